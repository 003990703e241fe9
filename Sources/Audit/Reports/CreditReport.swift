import LedgerCore

/// Carbon credits per project and vintage — attested, issued, held (issued − retired) and
/// retired kg CO2e, and how many retirements — with totals and every retirement.
public struct CreditReport: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var projectID: String
        public var projectName: String
        public var category: String
        public var vintage: UInt16
        public var attestedKg: ExactAmount
        public var issuedKg: ExactAmount
        public var heldKg: ExactAmount
        public var retiredKg: ExactAmount
        public var retirements: UInt64
    }

    public struct Totals: Codable, Sendable, Equatable {
        /// Exact sums: a total never saturates.
        public var attestedKg: ExactAmount = .zero
        public var issuedKg: ExactAmount = .zero
        public var heldKg: ExactAmount = .zero
        public var retiredKg: ExactAmount = .zero
        public var retirements: UInt64 = 0
    }

    public struct RetirementLine: Codable, Sendable, Equatable {
        public var projectID: String
        public var vintage: UInt16
        public var firstSerial: UInt64
        public var lastSerial: UInt64
        public var quantityKg: ExactAmount
        public var beneficiary: String
        public var reason: String
        public var height: UInt64
        public var transactionID: String
    }

    public var scope: ReportScope
    public var lines: [Line] = []
    public var totals = Totals()
    public var retirements: [RetirementLine] = []

    public init(_ state: LedgerState, scope: ReportScope) {
        self.scope = scope
        var retirementCounts: [ProjectVintage: UInt64] = [:]
        for block in state.creditBlocks.values.sorted(by: { $0.id < $1.id }) {
            guard let retirement = block.retirement else { continue }
            retirementCounts[ProjectVintage(projectID: block.id.projectID, vintage: block.id.vintage), default: 0] += 1
            retirements.append(RetirementLine(
                projectID: block.id.projectID.value, vintage: block.id.vintage, firstSerial: block.id.firstSerial, lastSerial: block.lastSerial,
                quantityKg: ExactAmount(block.quantity), beneficiary: retirement.beneficiary.value, reason: retirement.reason.value,
                height: retirement.height, transactionID: retirement.transactionID.hex))
        }
        retirements.sort { ($0.height, $0.projectID, $0.vintage, $0.firstSerial) < ($1.height, $1.projectID, $1.vintage, $1.firstSerial) }
        for (key, account) in state.vintages.sorted(by: { $0.key < $1.key }) {
            let project = state.projects[key.projectID]
            let line = Line(
                projectID: key.projectID.value, projectName: project?.name.value ?? "", category: project?.category.name ?? "",
                vintage: key.vintage, attestedKg: ExactAmount(account.attestedKg), issuedKg: ExactAmount(account.issuedKg),
                heldKg: ExactAmount(account.issuedKg).subtractingClamped(ExactAmount(account.retiredKg)), retiredKg: ExactAmount(account.retiredKg),
                retirements: retirementCounts[key] ?? 0)
            lines.append(line)
            totals.attestedKg += line.attestedKg
            totals.issuedKg += line.issuedKg
            totals.heldKg += line.heldKg
            totals.retiredKg += line.retiredKg
            totals.retirements += line.retirements
        }
    }

    /// Exact digits (CSV); `text` groups them for people.
    public var table: ReportTable { table { $0.description } }

    private func table(_ show: (ExactAmount) -> String) -> ReportTable {
        ReportTable(
            columns: [
                .init("project_id"), .init("project_name"), .init("category"), .init("vintage", rightAligned: true),
                .init("attested_kg", rightAligned: true), .init("issued_kg", rightAligned: true), .init("held_kg", rightAligned: true),
                .init("retired_kg", rightAligned: true), .init("retirements", rightAligned: true),
            ],
            rows: lines.map {
                [$0.projectID, $0.projectName, $0.category, String($0.vintage), show($0.attestedKg), show($0.issuedKg),
                 show($0.heldKg), show($0.retiredKg), String($0.retirements)]
            } + [["total", "", "", "", show(totals.attestedKg), show(totals.issuedKg), show(totals.heldKg), show(totals.retiredKg), String(totals.retirements)]])
    }

    public var text: String {
        var out = [scope.title("Carbon credits by project and vintage (kg CO2e)")]
        out.append(table { AmountFormat.grouped($0.description) }.text)
        out.append("retirements:")
        out.append(ReportTable(
            columns: [
                .init("height", rightAligned: true), .init("project"), .init("vintage", rightAligned: true), .init("serials"),
                .init("kg", rightAligned: true), .init("beneficiary"), .init("reason"), .init("transaction"),
            ],
            rows: retirements.map {
                [String($0.height), $0.projectID, String($0.vintage), "\($0.firstSerial)–\($0.lastSerial)", AmountFormat.grouped($0.quantityKg.description),
                 $0.beneficiary, $0.reason, $0.transactionID]
            }).text)
        return out.joined(separator: "\n")
    }
}
