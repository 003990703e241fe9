import LedgerCore

/// Green bonds with the allocation of their proceeds.
extension LedgerQueries {
    static let bondColumns = ["issuer", "currency", "face_value", "term_months", "eligible_categories", "allocated"]

    /// Bonds in id order, with face value, allocated and unallocated proceeds.
    public func bonds(_ page: QueryPage = QueryPage()) throws(QueryError) -> Page<BondRecord> {
        try read { database, height throws(QueryError) in
            let query = KeysetQuery(list: "bonds", table: "bonds", columns: LedgerQueries.bondColumns, keyColumns: ["bond_id"])
            let (rows, next) = try query.run(database, page)
            return Page(items: try rows.map { row throws(QueryError) in try LedgerQueries.bond(row) }, next: next, height: height)
        }
    }

    /// One bond with its allocations per project (with the project's category) and the
    /// allocated total per category; nil value if unknown.
    public func bond(_ bondID: Identifier) throws(QueryError) -> Snapshot<BondDetail> {
        try read { database, height throws(QueryError) in
            let rows: [[SQLiteValue]]
            let allocationRows: [[SQLiteValue]]
            do throws(StorageError) {
                rows = try database.query(
                    "SELECT \(LedgerQueries.bondColumns.joined(separator: ", ")), bond_id FROM bonds WHERE bond_id = ?", [.text(bondID.value)])
                allocationRows = try database.query(
                    """
                    SELECT a.project_id, p.category, a.amount FROM allocations a LEFT JOIN projects p ON p.project_id = a.project_id
                    WHERE a.bond_id = ? ORDER BY a.project_id
                    """, [.text(bondID.value)])
            } catch { throw .storage(error) }
            guard let row = rows.first else { return Snapshot(value: nil, height: height) }
            let bond = try LedgerQueries.bond(row)
            var totals: [String: UInt64] = [:]
            let allocations = try allocationRows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "allocations")
                // A project is never deleted once registered; a missing one is a damaged store.
                let allocation = AllocationRecord(projectID: try reader.text(0), category: try reader.text(1), amount: try reader.amount(2))
                let (sum, overflow) = totals[allocation.category, default: 0].addingReportingOverflow(allocation.amount)
                guard !overflow else { throw QueryError.storage(.corrupt("allocations of \(bondID) overflow")) }
                totals[allocation.category] = sum
                return allocation
            }
            let categoryTotals = totals.sorted { $0.key < $1.key }.map { CategoryAmount(category: $0.key, amount: $0.value) }
            return Snapshot(value: BondDetail(bond: bond, allocations: allocations, categoryTotals: categoryTotals), height: height)
        }
    }

    private static func bond(_ row: [SQLiteValue]) throws(QueryError) -> BondRecord {
        let reader = RowReader(row: row, table: "bonds")
        let face = try reader.amount(2)
        let allocated = try reader.amount(5)
        let bondID = try reader.text(6)
        guard allocated <= face else { throw .storage(.corrupt("bond \(bondID) has more allocated than its face value")) }
        let categories = try reader.text(4)
        return BondRecord(
            bondID: bondID, issuer: try reader.text(0), currency: try reader.text(1), faceValue: face, termMonths: try reader.integer(3),
            eligibleCategories: categories.split(separator: ",").map(String.init), allocated: allocated, unallocated: face - allocated)
    }
}
