import Foundation
import LedgerCore
import LedgerCrypto

/// The durable ledger of one node: blocks with their commit certificates, the transaction
/// index, receipts, the world state (as leaves and as queryable tables) and the consensus
/// journal, in one SQLite database (`ledger.sqlite`, WAL, `synchronous=FULL`).
///
/// A block, its certificate, its receipts and all its state changes commit in **one** SQLite
/// transaction: after a crash the store holds all of a block or none of it.
/// Owned by one task or actor; not thread-safe.
public final class LedgerStore {
    public static let fileName = "ledger.sqlite"

    let database: SQLiteDatabase
    public let genesis: Genesis
    public let genesisHash: Digest
    /// Height of the last stored block (0 when only genesis).
    public private(set) var height: UInt64
    /// Tests only: fail after writing this many statements of the next block commit.
    var failureInjection: FailureInjection?
    /// Called inside journal compaction, after the old records are deleted and before the new
    /// ones are written (the node's `mid-compaction` crash point; nil otherwise).
    public var crashHook: (@Sendable () -> Void)?

    struct FailureInjection {
        let statementsBeforeFailure: Int
    }

    /// Opens or creates the store in `directory` for `genesis`. Refuses a directory from
    /// another schema version or another genesis.
    public init(directory: String, genesis: Genesis) throws(StorageError) {
        let path = (directory as NSString).appendingPathComponent(LedgerStore.fileName)
        do {
            // 0700 and 0600 whatever the umask: the ledger, the journal of this validator's votes.
            try FileModes.createPrivateDirectory(directory)
            try FileModes.createPrivateFileIfMissing(path)
            try FileModes.set(FileModes.privateFile, at: path)
        } catch {
            throw .cannotOpen(path: directory, reason: "\(error)")
        }
        database = try SQLiteDatabase(path: path)
        self.genesis = genesis
        genesisHash = genesis.hash
        // A 64 MiB page cache (SQLite's default is 2 MiB): the transaction index is keyed by
        // random ids, so each block's inserts touch pages all over it; with the default cache
        // they were read back from the OS again and again, and commits slowed as the chain grew
        // (`bench network --nodes 1`: −36 % from the first to the last tenth of 178,500
        // transactions). The cache is the bound on the store's share of a node's memory.
        // Checkpoints every 8,192 WAL pages (32 MiB) instead of 1,000: a block of 500 transfers
        // writes a few hundred pages, so the default copied the WAL into the database (and
        // fsynced it) every two or three blocks, rewriting the same hot pages each time. The
        // WAL file is cut back to 64 MiB after a checkpoint.
        try database.execute(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192; PRAGMA journal_size_limit=67108864;")
        for suffix in ["-wal", "-shm"] {
            do { try FileModes.setIfPresent(FileModes.privateFile, at: path + suffix) } catch {
                throw .cannotOpen(path: path + suffix, reason: error.description)
            }
        }
        try database.execute(Schema.statements)
        height = 0
        try checkOrWriteMeta()
        height = try LedgerStore.lastHeight(in: database)
    }

    /// Opens an existing store read-only, whatever its genesis, for an audit that trusts
    /// nothing it reads. `storedGenesisHash` reports what the data claims.
    public static func openForAudit(directory: String) throws(StorageError) -> AuditReader {
        let path = (directory as NSString).appendingPathComponent(LedgerStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, reason: "no ledger database here; is --data-dir a node's data directory?")
        }
        return try AuditReader(database: SQLiteDatabase(path: path, readOnly: true))
    }

    private func checkOrWriteMeta() throws(StorageError) {
        let rows = try database.query("SELECT key, value FROM meta")
        var meta: [String: [UInt8]] = [:]
        for row in rows { if let key = row[0].text, let value = row[1].blob { meta[key] = value } }
        guard !meta.isEmpty else {
            try database.transaction { () throws(StorageError) in
                try migrate(from: 1)
                try database.query("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", [.blob(Array(String(Schema.version).utf8))])
                try database.query("INSERT INTO meta (key, value) VALUES ('genesis_hash', ?)", [.blob(genesisHash.bytes)])
                try database.query("INSERT INTO meta (key, value) VALUES ('genesis', ?)", [.blob(genesis.canonicalBytes)])
                try writeGenesisState()
            }
            return
        }
        let version = meta["schema_version"].flatMap { Int64(String(decoding: $0, as: UTF8.self)) } ?? -1
        let stored = meta["genesis_hash"].flatMap { Digest(bytes: $0) }
        // Another chain's store is refused before anything in it changes.
        guard stored == genesisHash else {
            throw .otherChain(storedGenesis: stored?.hex ?? "unknown", expectedGenesis: genesisHash.hex)
        }
        if (1..<Schema.version).contains(version) {
            try database.transaction { () throws(StorageError) in
                try migrate(from: version)
                try database.query("UPDATE meta SET value = ? WHERE key = 'schema_version'", [.blob(Array(String(Schema.version).utf8))])
            }
            return try checkOrWriteMeta()
        }
        guard version == Schema.version else { throw .schemaVersion(found: version, supported: Schema.version) }
    }

    /// Runs every migration after `version`, inside the caller's transaction.
    private func migrate(from version: Int64) throws(StorageError) {
        for next in (version + 1)...Schema.version {
            for statement in Schema.migrations[next] ?? [] { try database.execute(statement) }
        }
    }

    /// The genesis state's leaves and tables, written once when the store is created.
    private func writeGenesisState() throws(StorageError) {
        let state = LedgerState(genesis: genesis)
        let changes = state.allKeys.map { StateChange(key: $0, keyBytes: $0.bytes, value: state.value(of: $0)) }
        var written = 0
        try apply(changes, written: &written)
    }

    static func lastHeight(in database: SQLiteDatabase) throws(StorageError) -> UInt64 {
        let rows = try database.query("SELECT MAX(height) FROM blocks")
        return rows.first?.first?.integer.map { UInt64($0) } ?? 0
    }

    // MARK: - Writing blocks

    /// Stores the next block with its certificate and execution, atomically.
    public func commit(block: Block, certificate: CommitCertificate, execution: BlockExecution) throws(StorageError) {
        guard block.height == height + 1 else { throw .notNextBlock(expected: height + 1, got: block.height) }
        precondition(execution.height == block.height && execution.blockHash == block.hash, "execution belongs to another block")
        precondition(certificate.height == block.height && certificate.blockHash == block.hash, "certificate belongs to another block")
        var written = 0
        try database.transaction { () throws(StorageError) in
            try insertBlock(block, certificate: certificate, roots: execution.roots, written: &written)
            try insertTransactions(block, receipts: execution.receipts, written: &written)
            try apply(execution.changes, written: &written)
        }
        height = block.height
    }

    private func step(_ written: inout Int) throws(StorageError) {
        written += 1
        if let injection = failureInjection, written > injection.statementsBeforeFailure {
            throw .injectedFailure("statement \(written)")
        }
    }

    private func insertBlock(_ block: Block, certificate: CommitCertificate, roots: ExecutionRoots, written: inout Int) throws(StorageError) {
        try step(&written)
        var body = CanonicalWriter(capacity: 512 * block.transactions.count)
        body.write(block.transactions, maximum: Limits.blockTransactionsMax)
        try database.query(
            """
            INSERT INTO blocks (height, hash, parent_hash, timestamp_ms, transaction_count, header, body, certificate, view,
              state_root_after, receipts_root_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.amount(block.height), .blob(block.hash.bytes), .blob(block.header.parentHash.bytes), .amount(block.header.timestampMillis),
             .integer(Int64(block.transactions.count)), .blob(block.header.canonicalBytes), .blob(body.bytes),
             .blob(certificate.canonicalBytes), .amount(certificate.view), .blob(roots.stateRoot.bytes), .blob(roots.receiptsRoot.bytes)])
    }

    private func insertTransactions(_ block: Block, receipts: [Receipt], written: inout Int) throws(StorageError) {
        for (position, (transaction, receipt)) in zip(block.transactions, receipts).enumerated() {
            try step(&written)
            // A transaction id already stored (a stale replay a faulty primary included) keeps
            // its first location; its second receipt is still stored by position.
            try database.query(
                "INSERT OR IGNORE INTO transactions (id, height, position, sender, nonce, kind) VALUES (?, ?, ?, ?, ?, ?)",
                [.blob(transaction.id.bytes), .amount(block.height), .integer(Int64(position)), .text(transaction.senderAddress.description),
                 .amount(transaction.nonce), .text(transaction.payload.kindName)])
            try database.query(
                "INSERT INTO receipts (height, position, transaction_id, success, failure_code, failure_message) VALUES (?, ?, ?, ?, ?, ?)",
                [.amount(block.height), .integer(Int64(position)), .blob(transaction.id.bytes), .integer(receipt.succeeded ? 1 : 0),
                 receipt.failure.map { .text($0.code.name) } ?? .null, receipt.failure.map { .text($0.message) } ?? .null])
        }
    }

    private func apply(_ changes: [StateChange], written: inout Int) throws(StorageError) {
        for change in changes {
            try step(&written)
            for (sql, values) in StateTables.deletion(for: change.key) { try database.query(sql, values) }
            guard let value = change.value else {
                try database.query("DELETE FROM state WHERE key = ?", [.blob(change.keyBytes)])
                continue
            }
            try database.query("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", [.blob(change.keyBytes), .blob(value)])
            let record: StateRecord
            do { record = try StateRecord(key: change.key, value: value) } catch {
                preconditionFailure("the state machine produced an undecodable value for \(change.key): \(error)")
            }
            for (sql, values) in StateTables.insertions(for: record) { try database.query(sql, values) }
        }
    }

    // MARK: - Reading

    /// The stored block at `height` with its certificate.
    public func block(at height: UInt64) throws(StorageError) -> StoredBlock? {
        try AuditReader(database: database).block(at: height)
    }

    /// Where a transaction was included: (height, position).
    public func location(of transactionID: Digest) throws(StorageError) -> (height: UInt64, position: Int)? {
        let rows = try database.query("SELECT height, position FROM transactions WHERE id = ?", [.blob(transactionID.bytes)])
        guard let row = rows.first, let height = row[0].integer, let position = row[1].integer else { return nil }
        return (UInt64(height), Int(position))
    }

    /// The receipt of the transaction at `position` in block `height`.
    public func receipt(height: UInt64, position: Int) throws(StorageError) -> Receipt? {
        let rows = try database.query(
            "SELECT transaction_id, success, failure_code, failure_message FROM receipts WHERE height = ? AND position = ?",
            [.amount(height), .integer(Int64(position))])
        guard let row = rows.first, let id = row[0].blob.flatMap(Digest.init(bytes:)) else { return nil }
        guard row[1].integer != 1 else { return Receipt(transactionID: id, outcome: .success) }
        let code = FailureCode.allCases.first { $0.name == row[2].text } ?? .badNonce
        return Receipt(transactionID: id, outcome: .failure(TransactionFailure(code, row[3].text ?? "")))
    }

    /// Rebuilds the ledger state of the last stored block from the stored leaves — no replay.
    public func loadState() throws(StorageError) -> LedgerState {
        let leaves = try database.query("SELECT key, value FROM state ORDER BY key").map { row in
            (key: row[0].blob ?? [], value: row[1].blob ?? [])
        }
        var recentRoots: [UInt64: ExecutionRoots] = [:]
        var lastHash = genesisHash
        var lastTimestamp = genesis.genesisTimeMillis
        let recent = try database.query(
            "SELECT height, hash, timestamp_ms, state_root_after, receipts_root_after FROM blocks WHERE height > ? ORDER BY height",
            [.amount(height > 64 ? height - 64 : 0)])
        for row in recent {
            guard let rowHeight = row[0].integer, let hash = row[1].blob.flatMap(Digest.init(bytes:)),
                let stateRoot = row[3].blob.flatMap(Digest.init(bytes:)), let receiptsRoot = row[4].blob.flatMap(Digest.init(bytes:))
            else { throw .corrupt("a block row has a malformed hash or root") }
            recentRoots[UInt64(rowHeight)] = ExecutionRoots(stateRoot: stateRoot, receiptsRoot: receiptsRoot)
            if UInt64(rowHeight) == height {
                lastHash = hash
                lastTimestamp = row[2].amount ?? 0
            }
        }
        let checkpoint = StateCheckpoint(height: height, lastBlockHash: lastHash, lastTimestampMillis: lastTimestamp, recentRoots: recentRoots)
        do {
            return try LedgerState(genesis: genesis, restoring: leaves, at: checkpoint)
        } catch {
            throw .corrupt("cannot restore the world state: \(error)")
        }
    }

    // MARK: - Consensus journal

    /// Appends opaque records (encoded by Consensus) durably, in order, in one transaction.
    /// Returns the sequence number of the last one.
    @discardableResult
    public func appendJournal(_ records: [[UInt8]]) throws(StorageError) -> Int64 {
        try database.transaction { () throws(StorageError) -> Int64 in
            var last: Int64 = 0
            for record in records {
                try database.query("INSERT INTO journal (record) VALUES (?)", [.blob(record)])
                last = try database.query("SELECT last_insert_rowid()").first?.first?.integer ?? 0
            }
            return last
        }
    }

    /// Every journal record after `sequence`, oldest first.
    public func journal(after sequence: Int64 = 0) throws(StorageError) -> [(sequence: Int64, record: [UInt8])] {
        try database.query("SELECT sequence, record FROM journal WHERE sequence > ? ORDER BY sequence", [.integer(sequence)]).map { row in
            (row[0].integer ?? 0, row[1].blob ?? [])
        }
    }

    /// Atomically replaces the whole journal with `records` (Consensus compacts its journal
    /// after a stable checkpoint; the old records vanish only if the new ones are durable).
    public func replaceJournal(with records: [[UInt8]]) throws(StorageError) {
        try database.transaction { () throws(StorageError) in
            try database.query("DELETE FROM journal")
            crashHook?()
            for record in records { try database.query("INSERT INTO journal (record) VALUES (?)", [.blob(record)]) }
        }
    }

    /// Drops journal records up to and including `sequence` (after a stable checkpoint).
    public func truncateJournal(through sequence: Int64) throws(StorageError) {
        try database.query("DELETE FROM journal WHERE sequence <= ?", [.integer(sequence)])
    }
}

/// A block as stored: the block, its certificate, and the roots recorded after executing it.
public struct StoredBlock: Sendable {
    public let block: Block
    public let certificate: CommitCertificate
    public let rootsAfter: ExecutionRoots
}
