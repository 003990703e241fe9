import LedgerCore

/// Projects with their vintages, and the verifiers' attestations.
extension LedgerQueries {
    static let projectColumns = ["name", "category", "location", "owner", "registered_height", "host_country", "methodology", "program"]

    /// Registered projects in id order.
    public func projects(_ filter: ProjectFilter = ProjectFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<ProjectRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(list: "projects", table: "projects", columns: LedgerQueries.projectColumns, keyColumns: ["project_id"])
            if let category = filter.category { query.conditions.add("category = ?", .text(category.name)) }
            if let owner = filter.owner { query.conditions.add("owner = ?", .text(owner.description)) }
            let (rows, next) = try query.run(database, page)
            return Page(items: try rows.map { row throws(QueryError) in try LedgerQueries.project(row, idColumn: 8) }, next: next, height: height)
        }
    }

    /// One project with each of its vintages (attested, issued, retired, held kg); nil value if unknown.
    public func project(_ projectID: Identifier) throws(QueryError) -> Snapshot<ProjectDetail> {
        try read { database, height throws(QueryError) in
            let rows: [[SQLiteValue]]
            let vintageRows: [[SQLiteValue]]
            let holdRows: [[SQLiteValue]]
            let revokedRows: [[SQLiteValue]]
            do throws(StorageError) {
                rows = try database.query(
                    "SELECT \(LedgerQueries.projectColumns.joined(separator: ", ")), project_id FROM projects WHERE project_id = ?",
                    [.text(projectID.value)])
                vintageRows = try database.query(
                    """
                    SELECT vintage, attested_kg, issued_kg, retired_kg, attestation_count FROM vintages
                    WHERE project_id = ? ORDER BY vintage
                    """, [.text(projectID.value)])
                holdRows = try database.query(
                    "SELECT vintage, hold, quantity FROM credit_blocks WHERE project_id = ? AND hold IS NOT NULL", [.text(projectID.value)])
                revokedRows = try database.query(
                    "SELECT vintage, quantity_kg FROM attestations WHERE project_id = ? AND revoked_height IS NOT NULL", [.text(projectID.value)])
            } catch { throw .storage(error) }
            var cancelled: [UInt16: UInt64] = [:]
            var suspended: [UInt16: UInt64] = [:]
            var revoked: [UInt16: UInt64] = [:]
            for row in holdRows {
                let reader = RowReader(row: row, table: "credit_blocks")
                let vintage: UInt16 = try reader.integer(0)
                if try reader.text(1) == CreditStatus.cancelled.rawValue {
                    cancelled[vintage, default: 0] += try reader.amount(2)
                } else {
                    suspended[vintage, default: 0] += try reader.amount(2)
                }
            }
            for row in revokedRows {
                let reader = RowReader(row: row, table: "attestations")
                revoked[try reader.integer(0), default: 0] += try reader.amount(1)
            }
            guard let row = rows.first else { return Snapshot(value: nil, height: height) }
            let vintages = try vintageRows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "vintages")
                let vintage: UInt16 = try reader.integer(0)
                let issued = try reader.amount(2)
                let retired = try reader.amount(3)
                let gone = retired.addingReportingOverflow(cancelled[vintage] ?? 0)
                guard !gone.overflow, gone.partialValue <= issued else {
                    throw QueryError.storage(.corrupt("vintage \(vintage) of \(projectID) retired and cancelled more than it issued"))
                }
                return VintageRecord(
                    vintage: vintage, attestedKg: try reader.amount(1), revokedKg: revoked[vintage] ?? 0, issuedKg: issued, retiredKg: retired,
                    cancelledKg: cancelled[vintage] ?? 0, heldKg: issued - gone.partialValue, suspendedKg: suspended[vintage] ?? 0,
                    attestationCount: try reader.integer(4))
            }
            return Snapshot(value: ProjectDetail(project: try LedgerQueries.project(row, idColumn: 8), vintages: vintages), height: height)
        }
    }

    private static func project(_ row: [SQLiteValue], idColumn: Int) throws(QueryError) -> ProjectRecord {
        let reader = RowReader(row: row, table: "projects")
        return ProjectRecord(
            projectID: try reader.text(idColumn), name: try reader.text(0), category: try reader.text(1), location: try reader.text(2),
            owner: try reader.text(3), registeredHeight: try reader.amount(4), hostCountry: try reader.optionalText(5),
            methodology: try reader.optionalText(6), program: try reader.optionalText(7))
    }

    /// Attestations in (project, vintage, sequence) order.
    public func attestations(_ filter: AttestationFilter = AttestationFilter(), _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<AttestationRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(
                list: "attestations", table: "attestations",
                columns: [
                    "verifier", "quantity_kg", "report_sha256", "height", "period_start", "period_end", "revoked_reason", "revoked_height",
                    "revocation_transaction",
                ],
                keyColumns: ["project_id", "vintage", "sequence"])
            if let project = filter.projectID { query.conditions.add("project_id = ?", .text(project.value)) }
            if let vintage = filter.vintage { query.conditions.add("vintage = ?", .integer(Int64(vintage))) }
            if let verifier = filter.verifier { query.conditions.add("verifier = ?", .text(verifier.description)) }
            let (rows, next) = try query.run(database, page)
            let items = try rows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "attestations")
                let revocation = try reader.optionalText(6).map { reason throws(QueryError) in
                    CorrectionRecord(reason: reason, height: try reader.amount(7), transactionID: try reader.text(8))
                }
                return AttestationRecord(
                    projectID: try reader.text(9), vintage: try reader.integer(10), sequence: try reader.integer(11), verifier: try reader.text(0),
                    quantityKg: try reader.amount(1), reportSHA256: try reader.text(2), height: try reader.amount(3),
                    periodStart: try reader.optionalText(4), periodEnd: try reader.optionalText(5), revocation: revocation)
            }
            return Page(items: items, next: next, height: height)
        }
    }
}
