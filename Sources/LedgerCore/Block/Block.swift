import LedgerCrypto

/// A header and the transactions it commits to, in order.
public struct Block: Hashable, Sendable {
    public let header: BlockHeader
    public let transactions: [Transaction]
    /// The header's SHA-256, computed once.
    public let hash: Digest

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
        hash = header.hash
    }

    /// Builds a block whose header commits to `transactions`.
    public init(
        chainID: Identifier, height: UInt64, parentHash: Digest, timestampMillis: UInt64,
        transactions: [Transaction], stateRoot: Digest, receiptsRoot: Digest
    ) {
        self.init(
            header: BlockHeader(
                chainID: chainID, height: height, parentHash: parentHash, timestampMillis: timestampMillis,
                transactionsRoot: MerkleTree.root(of: transactions.map(\.id)),
                transactionCount: UInt32(transactions.count), stateRoot: stateRoot, receiptsRoot: receiptsRoot),
            transactions: transactions)
    }

    public var height: UInt64 { header.height }

    /// Checks what a block says about itself: the transaction count and Merkle root match
    /// its transactions, and no transaction appears twice. (Signatures, membership and
    /// roots need the ledger's state and are checked elsewhere.)
    public func validateStructure() throws(BlockError) {
        guard header.transactionCount == UInt32(transactions.count) else {
            throw .transactionCountMismatch(height: height, header: header.transactionCount, actual: transactions.count)
        }
        let ids = transactions.map(\.id)
        guard MerkleTree.root(of: ids) == header.transactionsRoot else { throw .transactionsRootMismatch(height: height) }
        guard Set(ids).count == ids.count else { throw .duplicateTransaction(height: height) }
    }

    public func inclusionProof(of transactionID: Digest) -> MerkleProof? {
        guard let index = transactions.firstIndex(where: { $0.id == transactionID }) else { return nil }
        return MerkleTree.proof(of: index, in: transactions.map(\.id))
    }
}

/// Why a block is not well-formed.
public enum BlockError: Error, Equatable, Sendable, CustomStringConvertible {
    case transactionCountMismatch(height: UInt64, header: UInt32, actual: Int)
    case transactionsRootMismatch(height: UInt64)
    case duplicateTransaction(height: UInt64)

    public var description: String {
        switch self {
        case .transactionCountMismatch(let height, let header, let actual):
            "block \(height): header says \(header) transactions, body has \(actual)"
        case .transactionsRootMismatch(let height): "block \(height): transactions do not match the header's Merkle root"
        case .duplicateTransaction(let height): "block \(height): a transaction appears twice"
        }
    }
}

extension Block: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(header)
        writer.write(transactions, maximum: Limits.blockTransactionsMax)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let header = try reader.read(BlockHeader.self)
        let transactions = try reader.readArray(of: Transaction.self, maximum: Limits.blockTransactionsMax, "transactions")
        self.init(header: header, transactions: transactions)
    }
}
