import LedgerCore

/// Credit blocks (held and retired), the block holding a serial, and retirements.
extension LedgerQueries {
    static let creditColumns = [
        "last_serial", "quantity", "owner", "retired", "beneficiary", "reason", "retired_height", "retirement_transaction",
        "hold", "hold_reason", "hold_height", "hold_transaction",
    ]

    /// Credit blocks in (project, vintage, first serial) order. With `serial`, the one block of
    /// the project and vintage whose range holds it (and only if the other filters match).
    public func credits(_ filter: CreditFilter = CreditFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<CreditBlockRecord> {
        if filter.serial != nil && (filter.projectID == nil || filter.vintage == nil) { throw .serialNeedsProjectAndVintage }
        return try read { database, height throws(QueryError) in
            var query = KeysetQuery(
                list: "credits", table: "credit_blocks", columns: LedgerQueries.creditColumns, keyColumns: ["project_id", "vintage", "first_serial"])
            if let owner = filter.owner { query.conditions.add("owner = ?", .text(owner.description)) }
            if let project = filter.projectID { query.conditions.add("project_id = ?", .text(project.value)) }
            if let vintage = filter.vintage { query.conditions.add("vintage = ?", .integer(Int64(vintage))) }
            switch filter.status {
            case nil: break
            case .issued: query.conditions.add("retired = 0 AND hold IS NULL")
            case .retired: query.conditions.add("retired = 1")
            case .cancelled, .suspended: query.conditions.add("hold = ?", .text(filter.status!.rawValue))
            }
            if let serial = filter.serial, let project = filter.projectID, let vintage = filter.vintage {
                guard let first = try LedgerQueries.firstSerial(containing: serial, project: project, vintage: vintage, database) else {
                    return Page(items: [], next: nil, height: height)
                }
                query.conditions.add("first_serial = ?", first)
            }
            let (rows, next) = try query.run(database, page)
            return Page(items: try rows.map { row throws(QueryError) in try LedgerQueries.creditBlock(row) }, next: next, height: height)
        }
    }

    /// Retired credit blocks in the order they were retired (height, then block).
    public func retirements(_ filter: RetirementFilter = RetirementFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<CreditBlockRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(
                list: "retirements", table: "credit_blocks", columns: LedgerQueries.creditColumns,
                keyColumns: ["retired_height", "project_id", "vintage", "first_serial"])
            query.conditions.add("retired = 1")
            if let project = filter.projectID { query.conditions.add("project_id = ?", .text(project.value)) }
            if let beneficiary = filter.beneficiary { query.conditions.add("beneficiary = ?", .text(beneficiary)) }
            let (rows, next) = try query.run(database, page)
            // The retirement key (retired_height) is ahead of the block key in these rows.
            return Page(items: try rows.map { row throws(QueryError) in try LedgerQueries.creditBlock(Array(row.dropLast(4)) + row.suffix(3)) }, next: next, height: height)
        }
    }

    /// The stored `first_serial` of the block of `project`/`vintage` whose range holds `serial`.
    /// Serials up to Int64.max are stored as integers, larger ones as decimal text (which
    /// SQLite orders after every integer): a text serial is compared numerically by length,
    /// then digits.
    static func firstSerial(containing serial: UInt64, project: Identifier, vintage: UInt16, _ database: SQLiteDatabase) throws(QueryError) -> SQLiteValue? {
        let key: [SQLiteValue] = [.text(project.value), .integer(Int64(vintage))]
        var candidates: [[SQLiteValue]] = []
        do {
            if serial > UInt64(Int64.max) {
                let digits = String(serial)
                candidates = try database.query(
                    """
                    SELECT first_serial, last_serial FROM credit_blocks WHERE project_id = ? AND vintage = ? AND typeof(first_serial) = 'text'
                      AND (length(first_serial) < ? OR (length(first_serial) = ? AND first_serial <= ?))
                    ORDER BY length(first_serial) DESC, first_serial DESC LIMIT 1
                    """, key + [.integer(Int64(digits.utf8.count)), .integer(Int64(digits.utf8.count)), .text(digits)])
            }
            if candidates.isEmpty {
                candidates = try database.query(
                    """
                    SELECT first_serial, last_serial FROM credit_blocks WHERE project_id = ? AND vintage = ? AND typeof(first_serial) = 'integer'
                      AND first_serial <= ? ORDER BY first_serial DESC LIMIT 1
                    """, key + [.integer(Int64(min(serial, UInt64(Int64.max))))])
            }
        } catch { throw .storage(error) }
        guard let row = candidates.first else { return nil }
        let last = try RowReader(row: row, table: "credit_blocks").amount(1)
        return serial <= last ? row[0] : nil
    }

    /// A credit block from `creditColumns` followed by the key (project, vintage, first serial).
    private static func creditBlock(_ row: [SQLiteValue]) throws(QueryError) -> CreditBlockRecord {
        let reader = RowReader(row: row, table: "credit_blocks")
        var retirement: RetirementRecord?
        if try reader.integer(3, as: Int64.self) == 1 {
            retirement = RetirementRecord(
                beneficiary: try reader.text(4), reason: try reader.text(5), height: try reader.amount(6), transactionID: try reader.text(7))
        }
        var hold: CorrectionRecord?
        var status: CreditStatus = retirement == nil ? .issued : .retired
        if let kind = try reader.optionalText(8) {
            guard let held = CreditStatus(rawValue: kind), held == .cancelled || held == .suspended else {
                throw QueryError.storage(.corrupt("credit block hold \(kind) is neither cancelled nor suspended"))
            }
            status = held
            hold = CorrectionRecord(reason: try reader.text(9), height: try reader.amount(10), transactionID: try reader.text(11))
        }
        return CreditBlockRecord(
            projectID: try reader.text(12), vintage: try reader.integer(13), firstSerial: try reader.amount(14), lastSerial: try reader.amount(0),
            quantity: try reader.amount(1), owner: try reader.text(2), status: status, retirement: retirement, hold: hold)
    }
}
