import LedgerCore

/// Projects with their vintages, and the verifiers' attestations.
extension LedgerQueries {
    static let projectColumns = ["name", "category", "location", "owner", "registered_height"]

    /// Registered projects in id order.
    public func projects(_ filter: ProjectFilter = ProjectFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<ProjectRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(list: "projects", table: "projects", columns: LedgerQueries.projectColumns, keyColumns: ["project_id"])
            if let category = filter.category { query.conditions.add("category = ?", .text(category.name)) }
            if let owner = filter.owner { query.conditions.add("owner = ?", .text(owner.description)) }
            let (rows, next) = try query.run(database, page)
            return Page(items: try rows.map { row throws(QueryError) in try LedgerQueries.project(row, idColumn: 5) }, next: next, height: height)
        }
    }

    /// One project with each of its vintages (attested, issued, retired, held kg); nil value if unknown.
    public func project(_ projectID: Identifier) throws(QueryError) -> Snapshot<ProjectDetail> {
        try read { database, height throws(QueryError) in
            let rows: [[SQLiteValue]]
            let vintageRows: [[SQLiteValue]]
            do throws(StorageError) {
                rows = try database.query(
                    "SELECT \(LedgerQueries.projectColumns.joined(separator: ", ")), project_id FROM projects WHERE project_id = ?",
                    [.text(projectID.value)])
                vintageRows = try database.query(
                    """
                    SELECT vintage, attested_kg, issued_kg, retired_kg, attestation_count FROM vintages
                    WHERE project_id = ? ORDER BY vintage
                    """, [.text(projectID.value)])
            } catch { throw .storage(error) }
            guard let row = rows.first else { return Snapshot(value: nil, height: height) }
            let vintages = try vintageRows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "vintages")
                let issued = try reader.amount(2)
                let retired = try reader.amount(3)
                guard retired <= issued else { throw QueryError.storage(.corrupt("vintage of \(projectID) retired more than issued")) }
                return VintageRecord(
                    vintage: try reader.integer(0), attestedKg: try reader.amount(1), issuedKg: issued, retiredKg: retired,
                    heldKg: issued - retired, attestationCount: try reader.integer(4))
            }
            return Snapshot(value: ProjectDetail(project: try LedgerQueries.project(row, idColumn: 5), vintages: vintages), height: height)
        }
    }

    private static func project(_ row: [SQLiteValue], idColumn: Int) throws(QueryError) -> ProjectRecord {
        let reader = RowReader(row: row, table: "projects")
        return ProjectRecord(
            projectID: try reader.text(idColumn), name: try reader.text(0), category: try reader.text(1), location: try reader.text(2),
            owner: try reader.text(3), registeredHeight: try reader.amount(4))
    }

    /// Attestations in (project, vintage, sequence) order.
    public func attestations(_ filter: AttestationFilter = AttestationFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<AttestationRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(
                list: "attestations", table: "attestations", columns: ["verifier", "quantity_kg", "report_sha256", "height"],
                keyColumns: ["project_id", "vintage", "sequence"])
            if let project = filter.projectID { query.conditions.add("project_id = ?", .text(project.value)) }
            if let vintage = filter.vintage { query.conditions.add("vintage = ?", .integer(Int64(vintage))) }
            if let verifier = filter.verifier { query.conditions.add("verifier = ?", .text(verifier.description)) }
            let (rows, next) = try query.run(database, page)
            let items = try rows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "attestations")
                return AttestationRecord(
                    projectID: try reader.text(4), vintage: try reader.integer(5), sequence: try reader.integer(6), verifier: try reader.text(0),
                    quantityKg: try reader.amount(1), reportSHA256: try reader.text(2), height: try reader.amount(3))
            }
            return Page(items: items, next: next, height: height)
        }
    }
}
