import LedgerCore
import LedgerCrypto

/// The byte layout of a run of committed blocks as a node exports them (GET /v1/chain) and an
/// online audit reads them: every block exactly as stored — header, transactions, commit
/// certificate, the roots recorded after executing it — and its receipts. docs/api.md.
///
///     export  = u32 count, then `count` entries in height order
///     entry   = u64 height
///               u32 length + canonical BlockHeader bytes
///               u32 length + canonical transaction list (u32 count, then each transaction)
///               u32 length + canonical CommitCertificate bytes
///               32 bytes state root after the block, 32 bytes receipts root after it
///               u32 count, then each canonical Receipt in transaction order
///
/// The header, transactions and certificate travel as opaque length-prefixed bytes so the
/// reader can hand them, undecoded, to the auditor, which decodes them strictly per height.
public enum ChainExport {
    public struct Entry: Sendable, Equatable {
        public var raw: RawBlock
        public var receipts: [Receipt]

        public init(raw: RawBlock, receipts: [Receipt]) {
            self.raw = raw
            self.receipts = receipts
        }
    }

    public static let headerBytesMax = 4_096
    public static let bodyBytesMax = 4 + Limits.blockTransactionsMax * Limits.transactionSizeMaxBytes
    public static let certificateBytesMax = 16 + 32 + 4 + Limits.validatorsMax * 66
    /// Most entries one export may hold.
    public static let entriesMax = 256

    /// The bytes of one entry.
    public static func encode(_ entry: Entry) -> [UInt8] {
        var writer = CanonicalWriter(capacity: entry.raw.header.count + entry.raw.body.count + entry.raw.certificate.count + 128)
        writer.write(entry.raw.height)
        writer.writeVariable(entry.raw.header, maximum: headerBytesMax)
        writer.writeVariable(entry.raw.body, maximum: bodyBytesMax)
        writer.writeVariable(entry.raw.certificate, maximum: certificateBytesMax)
        writer.writeFixed(entry.raw.stateRootAfter)
        writer.writeFixed(entry.raw.receiptsRootAfter)
        writer.write(entry.receipts, maximum: Limits.blockTransactionsMax)
        return writer.bytes
    }

    /// A whole export from already encoded entries.
    public static func assemble(_ encodedEntries: [[UInt8]]) -> [UInt8] {
        var writer = CanonicalWriter(capacity: 4 + encodedEntries.reduce(0) { $0 + $1.count })
        writer.write(UInt32(encodedEntries.count))
        for entry in encodedEntries { writer.writeFixed(entry) }
        return writer.bytes
    }

    /// Reads an export strictly: a bounded count, every length within its field maximum, no
    /// trailing bytes. What the fields mean is left to the auditor.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> [Entry] {
        var reader = CanonicalReader(bytes)
        let count = try reader.readLength(maximum: entriesMax, "block count")
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let height = try reader.readUInt64("height")
            let header = try reader.readVariable(maximum: headerBytesMax, "header")
            let body = try reader.readVariable(maximum: bodyBytesMax, "transactions")
            let certificate = try reader.readVariable(maximum: certificateBytesMax, "certificate")
            let stateRoot = try reader.readFixed(32, "state root after")
            let receiptsRoot = try reader.readFixed(32, "receipts root after")
            let receipts = try reader.readArray(of: Receipt.self, maximum: Limits.blockTransactionsMax, "receipts")
            entries.append(Entry(
                raw: RawBlock(
                    height: height, hash: SHA256.hash(header).bytes, header: header, body: body, certificate: certificate,
                    stateRootAfter: stateRoot, receiptsRootAfter: receiptsRoot),
                receipts: receipts))
        }
        try reader.finish()
        return entries
    }
}

extension ChainExport {
    /// The stored blocks in `heights` with their receipts, read from `database`. Fewer than
    /// asked when the store ends first.
    static func entries(in database: SQLiteDatabase, _ heights: ClosedRange<UInt64>) throws(StorageError) -> [Entry] {
        let reader = AuditReader(database: database)
        let raws = try reader.rawBlocks(heights)
        let stored = try reader.receipts(heights)
        var entries: [Entry] = []
        for raw in raws {
            var receipts: [Receipt] = []
            for row in stored[raw.height] ?? [] {
                guard let id = Digest(bytes: row.transactionID) else { throw .corrupt("a receipt of block \(raw.height) has a malformed transaction id") }
                if row.success {
                    receipts.append(Receipt(transactionID: id, outcome: .success))
                } else {
                    guard let code = FailureCode.allCases.first(where: { $0.name == row.failureCode }) else {
                        throw .corrupt("a receipt of block \(raw.height) has the unknown failure code \(row.failureCode ?? "(none)")")
                    }
                    receipts.append(Receipt(transactionID: id, outcome: .failure(TransactionFailure(code, row.failureMessage ?? ""))))
                }
            }
            entries.append(Entry(raw: raw, receipts: receipts))
        }
        return entries
    }
}

extension LedgerStore {
    /// The stored blocks in `heights` with their receipts, for the chain export (the bench).
    public func exportEntries(_ heights: ClosedRange<UInt64>) throws(StorageError) -> [ChainExport.Entry] {
        try ChainExport.entries(in: database, heights)
    }
}

extension LedgerQueries {
    /// The chain export from a read-only snapshot: whole committed blocks only, read in the
    /// caller's task rather than on the node's actor.
    public func chainEntries(_ heights: ClosedRange<UInt64>) throws(QueryError) -> [ChainExport.Entry] {
        try read { database, _ throws(QueryError) -> [ChainExport.Entry] in
            do throws(StorageError) { return try ChainExport.entries(in: database, heights) } catch { throw .storage(error) }
        }
    }
}
