import LedgerCrypto

/// Everything needed to accept one committed transaction without the rest of the chain:
/// the signed transaction; the header of the block that includes it, that block's commit
/// certificate and the Merkle proof of the transaction id under `header.transactionsRoot`;
/// and the transaction's receipt with its Merkle proof under the receipts root of the block
/// `stateRootLag` heights later (headers carry the receipts root of block h − lag), with that
/// block's header and certificate. `verify(against:)` checks it all against a genesis.
///
/// Canonical bytes: magic `GLPROOF`, format version, then the fields in declaration order
/// (docs/formats.md). The bundle itself is untrusted input: decoding is strict and nothing
/// in it counts until `verify` has passed.
public struct TransactionProof: Hashable, Sendable {
    public static let magic = Array("GLPROOF".utf8)
    public static let formatVersion: UInt8 = 1

    public let transaction: Transaction
    /// The block that includes the transaction.
    public let header: BlockHeader
    public let certificate: CommitCertificate
    /// The transaction id's path to `header.transactionsRoot`; its index is the position.
    public let inclusion: MerkleProof
    public let receipt: Receipt
    /// The receipt hash's path to `receiptHeader.receiptsRoot`, at the same position.
    public let receiptInclusion: MerkleProof
    /// The block at `header.height + stateRootLag`, whose header certifies the receipts.
    public let receiptHeader: BlockHeader
    public let receiptCertificate: CommitCertificate

    public init(
        transaction: Transaction, header: BlockHeader, certificate: CommitCertificate, inclusion: MerkleProof,
        receipt: Receipt, receiptInclusion: MerkleProof, receiptHeader: BlockHeader, receiptCertificate: CommitCertificate
    ) {
        self.transaction = transaction
        self.header = header
        self.certificate = certificate
        self.inclusion = inclusion
        self.receipt = receipt
        self.receiptInclusion = receiptInclusion
        self.receiptHeader = receiptHeader
        self.receiptCertificate = receiptCertificate
    }

    /// The transaction's position in its block (0-based).
    public var position: Int { Int(inclusion.index) }
    public var height: UInt64 { header.height }

    /// Decodes a whole bundle; any defect is a `ProofError.malformed` that says where.
    public static func decode(_ bytes: [UInt8]) throws(ProofError) -> TransactionProof {
        do { return try TransactionProof(canonicalBytes: bytes) } catch { throw .malformed(error) }
    }
}

extension TransactionProof: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.writeFixed(TransactionProof.magic)
        writer.write(TransactionProof.formatVersion)
        writer.write(transaction)
        writer.write(header)
        writer.write(certificate)
        writer.write(inclusion)
        writer.write(receipt)
        writer.write(receiptInclusion)
        writer.write(receiptHeader)
        writer.write(receiptCertificate)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let magic = try reader.readFixed(TransactionProof.magic.count, "proof magic")
        guard magic == TransactionProof.magic else {
            throw .invalidValue(field: "proof magic", reason: "these bytes are not a GreenLedger transaction proof (they do not start with GLPROOF)")
        }
        let version = try reader.readUInt8("proof version")
        guard version == TransactionProof.formatVersion else { throw .unsupportedVersion(type: "transaction proof", version: version) }
        transaction = try reader.read(Transaction.self)
        header = try reader.read(BlockHeader.self)
        certificate = try reader.read(CommitCertificate.self)
        inclusion = try reader.read(MerkleProof.self)
        receipt = try reader.read(Receipt.self)
        receiptInclusion = try reader.read(MerkleProof.self)
        receiptHeader = try reader.read(BlockHeader.self)
        receiptCertificate = try reader.read(CommitCertificate.self)
    }
}
