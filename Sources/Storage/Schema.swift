/// The SQLite schema. `version` changes whenever a table changes; a data directory of a
/// newer version is refused with a clear error rather than misread, and an older one is
/// migrated when a node opens it (`migrations`).
enum Schema {
    static let version: Int64 = 2

    /// What each version adds to the one before, as statements run in one transaction when a
    /// node opens an older store (and on a new store, after `statements`). Version 2: the
    /// format-2 records — a project's details, an attestation's monitoring period and
    /// revocation, a credit block's hold — as nullable columns at the end of their tables, so
    /// a version-1 row reads as a format-1 record.
    static let migrations: [Int64: [String]] = [
        2: addedInVersion2.map { "ALTER TABLE \($0.table) ADD COLUMN \($0.column)" } + [
            "CREATE INDEX IF NOT EXISTS credit_blocks_by_hold ON credit_blocks (hold)",
        ],
    ]

    static let addedInVersion2: [(table: String, column: String)] = [
        ("projects", "host_country TEXT"), ("projects", "methodology TEXT"), ("projects", "program TEXT"),
        ("attestations", "period_start TEXT"), ("attestations", "period_end TEXT"), ("attestations", "revoked_reason TEXT"),
        ("attestations", "revoked_height INTEGER"), ("attestations", "revocation_transaction TEXT"),
        ("credit_blocks", "hold TEXT"), ("credit_blocks", "hold_reason TEXT"), ("credit_blocks", "hold_height INTEGER"),
        ("credit_blocks", "hold_transaction TEXT"),
    ]

    /// How many columns `table` gained after `version`: a read-only audit of an older store
    /// reads them as NULL.
    static func columnsAdded(to table: String, after version: Int64) -> Int {
        version < 2 ? addedInVersion2.filter { $0.table == table }.count : 0
    }

    static let statements = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS blocks (
            height INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            parent_hash BLOB NOT NULL,
            timestamp_ms INTEGER NOT NULL,
            transaction_count INTEGER NOT NULL,
            header BLOB NOT NULL,
            body BLOB NOT NULL,
            certificate BLOB NOT NULL,
            view INTEGER NOT NULL,
            state_root_after BLOB NOT NULL,
            receipts_root_after BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS transactions (
            id BLOB PRIMARY KEY,
            height INTEGER NOT NULL,
            position INTEGER NOT NULL,
            sender TEXT NOT NULL,
            nonce INTEGER NOT NULL,
            kind TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS transactions_by_sender ON transactions (sender, nonce);
        CREATE TABLE IF NOT EXISTS receipts (
            height INTEGER NOT NULL,
            position INTEGER NOT NULL,
            transaction_id BLOB NOT NULL,
            success INTEGER NOT NULL,
            failure_code TEXT,
            failure_message TEXT,
            PRIMARY KEY (height, position)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS state (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS accounts (address TEXT PRIMARY KEY, nonce INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS balances (
            address TEXT NOT NULL, currency TEXT NOT NULL, amount NOT NULL, PRIMARY KEY (address, currency)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS projects (
            project_id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, location TEXT NOT NULL,
            owner TEXT NOT NULL, registered_height INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS vintages (
            project_id TEXT NOT NULL, vintage INTEGER NOT NULL, attested_kg NOT NULL, issued_kg NOT NULL,
            retired_kg NOT NULL, attestation_count INTEGER NOT NULL, PRIMARY KEY (project_id, vintage)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS attestations (
            project_id TEXT NOT NULL, vintage INTEGER NOT NULL, sequence INTEGER NOT NULL, verifier TEXT NOT NULL,
            quantity_kg NOT NULL, report_sha256 TEXT NOT NULL, height INTEGER NOT NULL,
            PRIMARY KEY (project_id, vintage, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS credit_blocks (
            project_id TEXT NOT NULL, vintage INTEGER NOT NULL, first_serial NOT NULL, last_serial NOT NULL,
            quantity NOT NULL, owner TEXT NOT NULL, retired INTEGER NOT NULL, beneficiary TEXT, reason TEXT,
            retired_height INTEGER, retirement_transaction TEXT,
            PRIMARY KEY (project_id, vintage, first_serial)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS credit_blocks_by_owner ON credit_blocks (owner);
        CREATE TABLE IF NOT EXISTS bonds (
            bond_id TEXT PRIMARY KEY, issuer TEXT NOT NULL, currency TEXT NOT NULL, face_value NOT NULL,
            term_months INTEGER NOT NULL, eligible_categories TEXT NOT NULL, allocated NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS allocations (
            bond_id TEXT NOT NULL, project_id TEXT NOT NULL, amount NOT NULL, PRIMARY KEY (bond_id, project_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal (sequence INTEGER PRIMARY KEY, record BLOB NOT NULL);
        \(queryIndexes)
        \(evidenceTable)
        """

    /// The tables as version 1 made them (`migrations` brings them up to `version`). Indexes
    /// for the client API's filters (`LedgerQueries`): only indexes, all IF NOT EXISTS, so a
    /// store gains them when a node opens it.
    static let queryIndexes = """
        CREATE INDEX IF NOT EXISTS projects_by_owner ON projects (owner);
        CREATE INDEX IF NOT EXISTS projects_by_category ON projects (category);
        CREATE INDEX IF NOT EXISTS attestations_by_verifier ON attestations (verifier);
        CREATE INDEX IF NOT EXISTS credit_blocks_by_retirement ON credit_blocks (retired, retired_height);
        CREATE INDEX IF NOT EXISTS credit_blocks_by_beneficiary ON credit_blocks (beneficiary);
        """

    /// Equivocation evidence this node saw (`LedgerStore.recordEvidence`). New tables are
    /// IF NOT EXISTS: a store of this version gains it when a node opens it.
    static let evidenceTable = """
        CREATE TABLE IF NOT EXISTS evidence (
            validator INTEGER NOT NULL, kind TEXT NOT NULL, view INTEGER NOT NULL, height INTEGER NOT NULL,
            first BLOB NOT NULL, second BLOB NOT NULL, seen_ms INTEGER NOT NULL,
            PRIMARY KEY (validator, kind, view, height)
        ) WITHOUT ROWID;
        """

    /// The tables an auditor can query, rendered from the state leaves (`StateTables`).
    static let stateTables = ["accounts", "balances", "projects", "vintages", "attestations", "credit_blocks", "bonds", "allocations"]
}
