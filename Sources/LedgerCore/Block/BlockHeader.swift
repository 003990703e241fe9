import LedgerCrypto

/// A block header. Its SHA-256 is the block's digest (its hash), which votes and
/// certificates sign and the next block names as its parent.
///
/// `stateRoot` and `receiptsRoot` are those after executing block `height − stateRootLag`
/// (the genesis state for heights ≤ lag): a replica can vote on a block before executing its
/// parent. View, proposer and signatures are not here but in the `CommitCertificate`, so a
/// block re-proposed in a later view keeps its digest.
public struct BlockHeader: Hashable, Sendable {
    public static let formatVersion: UInt8 = 1

    public var chainID: Identifier
    public var height: UInt64
    public var parentHash: Digest
    public var timestampMillis: UInt64
    public var transactionsRoot: Digest
    public var transactionCount: UInt32
    public var stateRoot: Digest
    public var receiptsRoot: Digest

    public init(
        chainID: Identifier, height: UInt64, parentHash: Digest, timestampMillis: UInt64,
        transactionsRoot: Digest, transactionCount: UInt32, stateRoot: Digest, receiptsRoot: Digest
    ) {
        self.chainID = chainID
        self.height = height
        self.parentHash = parentHash
        self.timestampMillis = timestampMillis
        self.transactionsRoot = transactionsRoot
        self.transactionCount = transactionCount
        self.stateRoot = stateRoot
        self.receiptsRoot = receiptsRoot
    }

    public var hash: Digest { SHA256.hash(canonicalBytes) }
}

extension BlockHeader: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(BlockHeader.formatVersion)
        writer.write(chainID)
        writer.write(height)
        writer.write(parentHash)
        writer.write(timestampMillis)
        writer.write(transactionsRoot)
        writer.write(transactionCount)
        writer.write(stateRoot)
        writer.write(receiptsRoot)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let version = try reader.readUInt8("header version")
        guard version == BlockHeader.formatVersion else { throw .unsupportedVersion(type: "block header", version: version) }
        chainID = try reader.read(Identifier.self)
        height = try reader.readUInt64("height")
        parentHash = try reader.readDigest("parent hash")
        timestampMillis = try reader.readUInt64("timestamp")
        transactionsRoot = try reader.readDigest("transactions root")
        transactionCount = try reader.readUInt32("transaction count")
        stateRoot = try reader.readDigest("state root")
        receiptsRoot = try reader.readDigest("receipts root")
    }
}
