import LedgerCrypto

/// One piece of equivocation evidence: validator `validator` signed two different votes of
/// `kind` for one view and height, for block digests `first` and `second`.
public struct StoredEvidence: Hashable, Sendable {
    public let validator: UInt16
    /// `PRE-PREPARE`, `PREPARE`, `COMMIT` or `CHECKPOINT`.
    public let kind: String
    public let view: UInt64
    public let height: UInt64
    public let first: Digest
    public let second: Digest
    /// When this node first saw it (milliseconds since 1970).
    public let seenMillis: UInt64

    public init(validator: UInt16, kind: String, view: UInt64, height: UInt64, first: Digest, second: Digest, seenMillis: UInt64) {
        self.validator = validator
        self.kind = kind
        self.view = view
        self.height = height
        self.first = first
        self.second = second
        self.seenMillis = seenMillis
    }
}

extension LedgerStore {
    /// Rows kept per validator: a faulty validator cannot fill the disk with evidence (beyond
    /// it, evidence is still counted in the node's metrics).
    public static let evidencePerValidatorMax = 10_000

    /// Stores `item` unless the same (validator, kind, view, height) is already stored or the
    /// validator's rows are at the bound. Returns whether it was new and stored.
    @discardableResult
    public func recordEvidence(_ item: StoredEvidence) throws(StorageError) -> Bool {
        try database.transaction { () throws(StorageError) -> Bool in
            let held = try database.query("SELECT count(*) FROM evidence WHERE validator = ?", [.integer(Int64(item.validator))])
            guard (held.first?.first?.integer ?? 0) < Int64(Self.evidencePerValidatorMax) else { return false }
            try database.query(
                "INSERT OR IGNORE INTO evidence (validator, kind, view, height, first, second, seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.integer(Int64(item.validator)), .text(item.kind), .integer(Int64(bitPattern: item.view)),
                 .integer(Int64(bitPattern: item.height)), .blob(item.first.bytes), .blob(item.second.bytes),
                 .integer(Int64(clamping: item.seenMillis))])
            return (try database.query("SELECT changes()").first?.first?.integer ?? 0) > 0
        }
    }

    /// Stored evidence, newest first, at most `limit`, of one validator if given.
    public func evidence(validator: UInt16? = nil, limit: Int = 100) throws(StorageError) -> [StoredEvidence] {
        let filter = validator.map { " WHERE validator = \($0)" } ?? ""
        let rows = try database.query(
            "SELECT validator, kind, view, height, first, second, seen_ms FROM evidence\(filter) ORDER BY seen_ms DESC, validator, height DESC LIMIT ?",
            [.integer(Int64(max(0, limit)))])
        return rows.compactMap { row in
            guard let validator = row[0].integer, let kind = row[1].text, let view = row[2].integer, let height = row[3].integer,
                  let first = row[4].blob.flatMap({ Digest(bytes: $0) }), let second = row[5].blob.flatMap({ Digest(bytes: $0) }),
                  let seen = row[6].integer
            else { return nil }
            return StoredEvidence(
                validator: UInt16(clamping: validator), kind: kind, view: UInt64(bitPattern: view), height: UInt64(bitPattern: height),
                first: first, second: second, seenMillis: UInt64(clamping: seen))
        }
    }
}
