import LedgerCore
import LedgerCrypto

/// Renders state leaves into the queryable tables an auditor reads with `sqlite3`. The same
/// rendering writes the tables and, in `verify`, recomputes them from a replay to compare —
/// so an edited row is detected.
public enum StateTables {
    /// One row of one table.
    public struct Row: Hashable, Sendable, Comparable {
        public let table: String
        public let values: [String]

        public static func < (lhs: Row, rhs: Row) -> Bool {
            if lhs.table != rhs.table { return lhs.table < rhs.table }
            return lhs.values.lexicographicallyPrecedes(rhs.values)
        }
    }

    /// The delete that clears `key`'s rows and the rows its current value renders to.
    static func deletion(for key: StateKey) -> [(sql: String, values: [SQLiteValue])] {
        switch key {
        case .account(let address):
            [("DELETE FROM accounts WHERE address = ?", [.text(address.description)]),
             ("DELETE FROM balances WHERE address = ?", [.text(address.description)])]
        case .project(let projectID): [("DELETE FROM projects WHERE project_id = ?", [.text(projectID.value)])]
        case .vintage(let key):
            [("DELETE FROM vintages WHERE project_id = ? AND vintage = ?", [.text(key.projectID.value), .integer(Int64(key.vintage))])]
        case .attestation(let key, let sequence):
            [("DELETE FROM attestations WHERE project_id = ? AND vintage = ? AND sequence = ?",
              [.text(key.projectID.value), .integer(Int64(key.vintage)), .integer(Int64(sequence))])]
        case .creditBlock(let id):
            [("DELETE FROM credit_blocks WHERE project_id = ? AND vintage = ? AND first_serial = ?",
              [.text(id.projectID.value), .integer(Int64(id.vintage)), SQLiteValue.amount(id.firstSerial)])]
        case .bond(let bondID): [("DELETE FROM bonds WHERE bond_id = ?", [.text(bondID.value)])]
        case .allocation(let key):
            [("DELETE FROM allocations WHERE bond_id = ? AND project_id = ?", [.text(key.bondID.value), .text(key.projectID.value)])]
        }
    }

    /// The inserts for one decoded leaf.
    static func insertions(for record: StateRecord) -> [(sql: String, values: [SQLiteValue])] {
        switch record {
        case .account(let address, let account):
            [("INSERT INTO accounts (address, nonce) VALUES (?, ?)", [.text(address.description), .amount(account.nonce)])]
                + account.balances.sorted { $0.key < $1.key }.map { currency, amount in
                    ("INSERT INTO balances (address, currency, amount) VALUES (?, ?, ?)",
                     [.text(address.description), .text(currency.value), .amount(amount)])
                }
        case .project(let project):
            [("""
              INSERT INTO projects (project_id, name, category, location, owner, registered_height, host_country, methodology, program)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
              [.text(project.projectID.value), .text(project.name.value), .text(project.category.name), .text(project.location.value),
               .text(project.owner.description), .amount(project.registeredAtHeight), .optionalText(project.details?.hostCountry.value),
               .optionalText(project.details?.methodology.value), .optionalText(project.details?.program.value)])]
        case .vintage(let key, let account):
            [("INSERT INTO vintages (project_id, vintage, attested_kg, issued_kg, retired_kg, attestation_count) VALUES (?, ?, ?, ?, ?, ?)",
              [.text(key.projectID.value), .integer(Int64(key.vintage)), .amount(account.attestedKg), .amount(account.issuedKg),
               .amount(account.retiredKg), .integer(Int64(account.attestationCount))])]
        case .attestation(let attestation):
            [("""
              INSERT INTO attestations (project_id, vintage, sequence, verifier, quantity_kg, report_sha256, height, period_start, period_end,
                revoked_reason, revoked_height, revocation_transaction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
              [.text(attestation.projectID.value), .integer(Int64(attestation.vintage)), .integer(Int64(attestation.sequence)),
               .text(attestation.verifier.description), .amount(attestation.quantityKg), .text(attestation.reportDigest.hex),
               .amount(attestation.height), .optionalText(attestation.monitoringPeriod?.start.description),
               .optionalText(attestation.monitoringPeriod?.end.description), .optionalText(attestation.revocation?.reason.value),
               attestation.revocation.map { .amount($0.height) } ?? .null, .optionalText(attestation.revocation?.transactionID.hex)])]
        case .creditBlock(let block):
            [("""
              INSERT INTO credit_blocks (project_id, vintage, first_serial, last_serial, quantity, owner, retired, beneficiary, reason,
                retired_height, retirement_transaction, hold, hold_reason, hold_height, hold_transaction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
              [.text(block.id.projectID.value), .integer(Int64(block.id.vintage)), .amount(block.id.firstSerial), .amount(block.lastSerial),
               .amount(block.quantity), .text(block.owner.description), .integer(block.retirement == nil ? 0 : 1),
               block.retirement.map { .text($0.beneficiary.value) } ?? .null, block.retirement.map { .text($0.reason.value) } ?? .null,
               block.retirement.map { .amount($0.height) } ?? .null, block.retirement.map { .text($0.transactionID.hex) } ?? .null,
               .optionalText(block.hold.map { $0.kind == .cancelled ? CreditStatus.cancelled.rawValue : CreditStatus.suspended.rawValue }),
               .optionalText(block.hold?.correction.reason.value), block.hold.map { .amount($0.correction.height) } ?? .null,
               .optionalText(block.hold?.correction.transactionID.hex)])]
        case .bond(let bond):
            [("INSERT INTO bonds (bond_id, issuer, currency, face_value, term_months, eligible_categories, allocated) VALUES (?, ?, ?, ?, ?, ?, ?)",
              [.text(bond.bondID.value), .text(bond.issuer.description), .text(bond.currency.value), .amount(bond.faceValue),
               .integer(Int64(bond.termMonths)), .text(bond.eligibleCategories.map(\.name).joined(separator: ",")), .amount(bond.allocated)])]
        case .allocation(let key, let amount):
            [("INSERT INTO allocations (bond_id, project_id, amount) VALUES (?, ?, ?)",
              [.text(key.bondID.value), .text(key.projectID.value), .amount(amount)])]
        }
    }

    /// The rows a leaf renders to, as text, for comparison.
    public static func rows(for record: StateRecord) -> [Row] {
        insertions(for: record).map { sql, values in
            Row(table: tableName(of: sql), values: values.map(\.comparableText))
        }
    }

    static func tableName(of insert: String) -> String {
        let words = insert.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return words.firstIndex(of: "INTO").map { String(words[$0 + 1]) } ?? ""
    }
}

extension SQLiteValue {
    static func optionalText(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }

    /// A textual form in which equal stored and rendered values compare equal.
    var comparableText: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .text(let value): value
        case .blob(let bytes): Hex.encode(bytes)
        }
    }
}
