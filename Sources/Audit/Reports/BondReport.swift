import LedgerCore

/// Green bond proceeds in the shape of an ICMA allocation report: per bond its issuer,
/// currency, face value, allocated and unallocated proceeds; the allocation to each project
/// (name, category, amount, share of proceeds); per eligible category the amount and share;
/// and the unallocated line. Shares are percentages of the face value, two decimals, rounded
/// down; amounts are exact minor units (decimal strings in JSON).
public struct BondReport: Codable, Sendable, Equatable {
    public struct Bond: Codable, Sendable, Equatable {
        public var bondID: String
        public var issuer: String
        public var currency: String
        public var faceValue: ExactAmount
        public var termMonths: UInt16
        public var allocated: ExactAmount
        public var unallocated: ExactAmount
        public var allocatedPercent: String
        public var projects: [ProjectLine]
        public var categories: [CategoryLine]
        public var unallocatedPercent: String
    }

    public struct ProjectLine: Codable, Sendable, Equatable {
        public var projectID: String
        public var projectName: String
        public var category: String
        public var amount: ExactAmount
        public var sharePercent: String
    }

    public struct CategoryLine: Codable, Sendable, Equatable {
        public var category: String
        public var amount: ExactAmount
        public var sharePercent: String
    }

    public var scope: ReportScope
    public var bonds: [Bond] = []

    public init(_ state: LedgerState, scope: ReportScope) {
        self.scope = scope
        for bond in state.bonds.values.sorted(by: { $0.bondID < $1.bondID }) {
            let face = bond.faceValue
            let projects = state.allocations.filter { $0.key.bondID == bond.bondID }.sorted { $0.key < $1.key }.map { key, amount in
                let project = state.projects[key.projectID]
                return ProjectLine(
                    projectID: key.projectID.value, projectName: project?.name.value ?? "", category: project?.category.name ?? "",
                    amount: ExactAmount(amount), sharePercent: ReportFormat.percent(ExactAmount(amount), of: ExactAmount(face)))
            }
            let categories = bond.eligibleCategories.sorted { $0.rawValue < $1.rawValue }.map { category in
                let amount = projects.filter { $0.category == category.name }.map(\.amount).sum()
                return CategoryLine(category: category.name, amount: amount, sharePercent: ReportFormat.percent(amount, of: ExactAmount(face)))
            }
            let unallocated = ExactAmount(face).subtractingClamped(ExactAmount(bond.allocated))
            bonds.append(Bond(
                bondID: bond.bondID.value, issuer: bond.issuer.description, currency: bond.currency.value, faceValue: ExactAmount(face),
                termMonths: bond.termMonths, allocated: ExactAmount(bond.allocated), unallocated: unallocated,
                allocatedPercent: ReportFormat.percent(ExactAmount(bond.allocated), of: ExactAmount(face)), projects: projects,
                categories: categories, unallocatedPercent: ReportFormat.percent(unallocated, of: ExactAmount(face))))
        }
    }

    /// One row per project allocation, per eligible category and the unallocated line, per bond.
    public var table: ReportTable {
        var rows: [[String]] = []
        for bond in bonds {
            let prefix = [bond.bondID, bond.issuer, bond.currency, bond.faceValue.description]
            rows += bond.projects.map { prefix + ["project", $0.projectID, $0.projectName, $0.category, $0.amount.description, $0.sharePercent] }
            rows += bond.categories.map { prefix + ["category", "", "", $0.category, $0.amount.description, $0.sharePercent] }
            rows.append(prefix + ["unallocated", "", "", "", bond.unallocated.description, bond.unallocatedPercent])
        }
        return ReportTable(
            columns: [
                .init("bond_id"), .init("issuer"), .init("currency"), .init("face_value_minor", rightAligned: true), .init("line"),
                .init("project_id"), .init("project_name"), .init("category"), .init("amount_minor", rightAligned: true),
                .init("share_percent", rightAligned: true),
            ],
            rows: rows)
    }

    public var text: String {
        var out = [scope.title("Green bond allocation report (ICMA)")]
        if bonds.isEmpty { out.append("  (no green bonds)") }
        for bond in bonds {
            out.append("")
            out.append("bond \(bond.bondID), issuer \(bond.issuer), \(bond.termMonths) months")
            out.append("  face value   \(AmountFormat.money(bond.faceValue, bond.currency))")
            out.append("  allocated    \(AmountFormat.money(bond.allocated, bond.currency)), \(bond.allocatedPercent)%")
            out.append("  unallocated  \(AmountFormat.money(bond.unallocated, bond.currency)), \(bond.unallocatedPercent)%")
            out.append("allocation by project:")
            out.append(ReportTable(
                columns: [.init("project"), .init("name"), .init("category"), .init("amount", rightAligned: true), .init("share %", rightAligned: true)],
                rows: bond.projects.map { [$0.projectID, $0.projectName, $0.category, AmountFormat.money($0.amount, bond.currency), $0.sharePercent] }).text)
            out.append("allocation by eligible category:")
            out.append(ReportTable(
                columns: [.init("category"), .init("amount", rightAligned: true), .init("share %", rightAligned: true)],
                rows: bond.categories.map { [$0.category, AmountFormat.money($0.amount, bond.currency), $0.sharePercent] }
                    + [["unallocated", AmountFormat.money(bond.unallocated, bond.currency), bond.unallocatedPercent]]).text)
        }
        return out.joined(separator: "\n")
    }
}
