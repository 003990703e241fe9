import Foundation
import LedgerCrypto
import Synchronization

/// Read-only queries over a node's ledger for the client API: accounts, projects, attestations,
/// credit blocks, retirements, bonds, transactions and blocks, paged by keyset cursors.
///
/// It opens its **own** read-only connections to `ledger.sqlite`. The store runs in WAL mode,
/// so a reader sees whole committed blocks only and never blocks the node's writer (nor the
/// writer it). Every answer is read inside one read transaction and carries the height it
/// reflects, so a page never mixes two blocks' state.
///
/// Safe to call from many request tasks at once: a small fixed pool of connections, each
/// behind its own `Mutex` (a connection and its cached statements are single-owner). A call
/// takes the first free connection, or waits for one — queries are short and bounded
/// (≤ `QueryPage.limitMax` rows), so a wait is short. A pool rather than one connection lets
/// concurrent requests read in parallel; a fixed size bounds the file handles.
public final class LedgerQueries: Sendable {
    public static let connectionCountDefault = 4

    private final class Slot: Sendable {
        let database: Mutex<SQLiteDatabase>
        init(_ database: consuming sending SQLiteDatabase) { self.database = Mutex(database) }
    }

    private let slots: [Slot]
    private let nextSlot = Atomic<Int>(0)
    public let path: String

    /// Opens `connections` read-only connections to the ledger in `directory` (a node's data
    /// directory, created by `LedgerStore`).
    public init(directory: String, connections: Int = LedgerQueries.connectionCountDefault) throws(StorageError) {
        let path = (directory as NSString).appendingPathComponent(LedgerStore.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, reason: "no ledger database here; the node creates it when it first starts")
        }
        var slots: [Slot] = []
        for _ in 0..<max(1, connections) {
            let database = try SQLiteDatabase(path: path, readOnly: true)
            try database.execute("PRAGMA query_only=1")
            slots.append(Slot(database))
        }
        self.slots = slots
        self.path = path
    }

    /// Runs `body` in one read transaction on a free connection, with the snapshot's height.
    func read<Result: Sendable>(
        _ body: @Sendable (SQLiteDatabase, UInt64) throws(QueryError) -> Result
    ) throws(QueryError) -> Result {
        for slot in slots {
            if let result = try slot.database.withLockIfAvailable({ database throws(QueryError) -> Result in
                try LedgerQueries.snapshot(database, body)
            }) {
                return result
            }
        }
        let index = nextSlot.add(1, ordering: .relaxed).newValue % slots.count
        return try slots[index].database.withLock { database throws(QueryError) -> Result in
            try LedgerQueries.snapshot(database, body)
        }
    }

    private static func snapshot<Result>(
        _ database: SQLiteDatabase, _ body: @Sendable (SQLiteDatabase, UInt64) throws(QueryError) -> Result
    ) throws(QueryError) -> Result {
        do { try database.execute("BEGIN") } catch { throw .storage(error) }
        defer { try? database.execute("COMMIT") }
        let height: UInt64
        do { height = try LedgerStore.lastHeight(in: database) } catch { throw .storage(error) }
        return try body(database, height)
    }
}

/// One keyset-paged SELECT: rows of `table` matching `conditions`, in `keyColumns` order,
/// after the cursor. The key columns are selected after `columns`, so every row ends with its
/// sort key, from which the next cursor is made.
struct KeysetQuery {
    let list: String
    let table: String
    let columns: [String]
    let keyColumns: [String]
    var conditions = SQLConditions()

    func run(_ database: SQLiteDatabase, _ page: QueryPage) throws(QueryError) -> (rows: [[SQLiteValue]], next: String?) {
        let limit = try page.validatedLimit()
        var conditions = conditions
        if let after = page.after {
            let cursor = try QueryCursor.decode(after, list: list, keyCount: keyColumns.count)
            let placeholders = Array(repeating: "?", count: keyColumns.count).joined(separator: ", ")
            conditions.clauses.append("(\(keyColumns.joined(separator: ", "))) > (\(placeholders))")
            conditions.values.append(contentsOf: cursor.keys)
        }
        let filter = conditions.clauses.isEmpty ? "" : " WHERE " + conditions.clauses.joined(separator: " AND ")
        let sql = "SELECT \((columns + keyColumns).joined(separator: ", ")) FROM \(table)\(filter) ORDER BY \(keyColumns.joined(separator: ", ")) LIMIT \(limit + 1)"
        var rows: [[SQLiteValue]]
        do { rows = try database.query(sql, conditions.values) } catch { throw .storage(error) }
        var next: String?
        if rows.count > limit {
            rows.removeLast(rows.count - limit)
            next = QueryCursor(list: list, keys: Array(rows[limit - 1].suffix(keyColumns.count))).encoded()
        }
        return (rows, next)
    }
}

/// Strict readers of stored columns: a value of the wrong type is a damaged store, said so.
struct RowReader {
    let row: [SQLiteValue]
    let table: String

    func text(_ index: Int) throws(QueryError) -> String {
        guard let value = row[index].text else { throw corrupt(index, "text") }
        return value
    }

    func optionalText(_ index: Int) throws(QueryError) -> String? {
        if row[index] == .null { return nil }
        return try text(index)
    }

    func amount(_ index: Int) throws(QueryError) -> UInt64 {
        guard let value = row[index].amount else { throw corrupt(index, "an amount") }
        return value
    }

    func integer<Value: FixedWidthInteger>(_ index: Int, as type: Value.Type = Value.self) throws(QueryError) -> Value {
        guard let raw = row[index].integer, let value = Value(exactly: raw) else { throw corrupt(index, "a \(Value.self)") }
        return value
    }

    func blobHex(_ index: Int) throws(QueryError) -> String {
        guard let bytes = row[index].blob else { throw corrupt(index, "bytes") }
        return Hex.encode(bytes)
    }

    private func corrupt(_ index: Int, _ expected: String) -> QueryError {
        .storage(.corrupt("\(table) column \(index) holds \(row[index].comparableText), not \(expected)"))
    }
}
