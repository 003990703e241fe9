import LedgerCore
import LedgerCrypto

/// Reads a store's raw contents for an audit, decoding strictly and trusting nothing: every
/// value comes back as the bytes stored, for the auditor to check against its own genesis.
public final class AuditReader {
    let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// The genesis hash the data claims to belong to.
    public func storedGenesisHash() throws(StorageError) -> Digest? {
        try database.query("SELECT value FROM meta WHERE key = 'genesis_hash'").first?.first?.blob.flatMap(Digest.init(bytes:))
    }

    public func schemaVersion() throws(StorageError) -> Int64? {
        try database.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.blob
            .flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
    }

    public func lastHeight() throws(StorageError) -> UInt64 { try LedgerStore.lastHeight(in: database) }

    /// The raw rows of blocks in `heights`, in height order.
    public func rawBlocks(_ heights: ClosedRange<UInt64>) throws(StorageError) -> [RawBlock] {
        try database.query(
            """
            SELECT height, hash, header, body, certificate, state_root_after, receipts_root_after
            FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height
            """, [.amount(heights.lowerBound), .amount(heights.upperBound)]
        ).map { row in
            RawBlock(
                height: row[0].integer.map { UInt64(bitPattern: $0) } ?? 0, hash: row[1].blob ?? [], header: row[2].blob ?? [],
                body: row[3].blob ?? [], certificate: row[4].blob ?? [], stateRootAfter: row[5].blob ?? [],
                receiptsRootAfter: row[6].blob ?? [])
        }
    }

    /// The stored receipts of the blocks in `heights`, as (height, position) → receipt.
    public func receipts(_ heights: ClosedRange<UInt64>) throws(StorageError) -> [UInt64: [StoredReceipt]] {
        var result: [UInt64: [StoredReceipt]] = [:]
        for row in try database.query(
            """
            SELECT height, position, transaction_id, success, failure_code, failure_message FROM receipts
            WHERE height BETWEEN ? AND ? ORDER BY height, position
            """, [.amount(heights.lowerBound), .amount(heights.upperBound)])
        {
            let height = UInt64(bitPattern: row[0].integer ?? 0)
            result[height, default: []].append(StoredReceipt(
                position: Int(row[1].integer ?? -1), transactionID: row[2].blob ?? [], success: row[3].integer == 1,
                failureCode: row[4].text, failureMessage: row[5].text))
        }
        return result
    }

    /// Every stored state leaf, sorted by key bytes.
    public func stateLeaves() throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        try database.query("SELECT key, value FROM state ORDER BY key").map { ($0[0].blob ?? [], $0[1].blob ?? []) }
    }

    /// Every row of the queryable state tables, as text, sorted.
    public func stateTableRows() throws(StorageError) -> [StateTables.Row] {
        var rows: [StateTables.Row] = []
        let version = try schemaVersion() ?? Schema.version
        for table in Schema.stateTables {
            // An older store lacks the columns added since: it holds no such records, so NULL.
            let missing = [String](repeating: SQLiteValue.null.comparableText, count: Schema.columnsAdded(to: table, after: version))
            for row in try database.query("SELECT * FROM \(table)") {
                rows.append(StateTables.Row(table: table, values: row.map(\.comparableText) + missing))
            }
        }
        return rows.sorted()
    }

    /// One decoded block, for readers that trust the store (the node itself).
    func block(at height: UInt64) throws(StorageError) -> StoredBlock? {
        guard let raw = try rawBlocks(height...height).first else { return nil }
        do {
            let header = try BlockHeader(canonicalBytes: raw.header)
            var reader = CanonicalReader(raw.body)
            let transactions = try reader.readArray(of: Transaction.self, maximum: Limits.blockTransactionsMax, "transactions")
            try reader.finish()
            guard let stateRoot = Digest(bytes: raw.stateRootAfter), let receiptsRoot = Digest(bytes: raw.receiptsRootAfter) else {
                throw StorageError.corrupt("block \(height) has malformed roots")
            }
            return StoredBlock(
                block: Block(header: header, transactions: transactions),
                certificate: try CommitCertificate(canonicalBytes: raw.certificate),
                rootsAfter: ExecutionRoots(stateRoot: stateRoot, receiptsRoot: receiptsRoot))
        } catch let error as StorageError {
            throw error
        } catch {
            throw .corrupt("block \(height) does not decode: \(error)")
        }
    }
}

/// A block row exactly as stored.
public struct RawBlock: Sendable, Equatable {
    public let height: UInt64
    public let hash: [UInt8]
    public let header: [UInt8]
    public let body: [UInt8]
    public let certificate: [UInt8]
    public let stateRootAfter: [UInt8]
    public let receiptsRootAfter: [UInt8]

    public init(
        height: UInt64, hash: [UInt8], header: [UInt8], body: [UInt8], certificate: [UInt8], stateRootAfter: [UInt8],
        receiptsRootAfter: [UInt8]
    ) {
        self.height = height
        self.hash = hash
        self.header = header
        self.body = body
        self.certificate = certificate
        self.stateRootAfter = stateRootAfter
        self.receiptsRootAfter = receiptsRootAfter
    }
}

/// A receipt row exactly as stored.
public struct StoredReceipt: Sendable, Equatable {
    public let position: Int
    public let transactionID: [UInt8]
    public let success: Bool
    public let failureCode: String?
    public let failureMessage: String?

    public init(position: Int, transactionID: [UInt8], success: Bool, failureCode: String?, failureMessage: String?) {
        self.position = position
        self.transactionID = transactionID
        self.success = success
        self.failureCode = failureCode
        self.failureMessage = failureMessage
    }

    public init(position: Int, receipt: Receipt) {
        self.init(
            position: position, transactionID: receipt.transactionID.bytes, success: receipt.succeeded,
            failureCode: receipt.failure?.code.name, failureMessage: receipt.failure?.message)
    }
}
