import LedgerCore

/// Green bond proceeds in the shape of an ICMA allocation report: per bond its issuer,
/// currency, face value, allocated and unallocated proceeds; the allocation to each project
/// (name, category, amount, share of proceeds); per eligible category the amount and share;
/// and the unallocated line. Shares are percentages of the face value, two decimals, rounded
/// down; amounts are exact minor units.
public struct BondReport: Codable, Sendable, Equatable {
    public struct Bond: Codable, Sendable, Equatable {
        public var bondID: String
        public var issuer: String
        public var currency: String
        public var faceValue: UInt64
        public var termMonths: UInt16
        public var allocated: UInt64
        public var unallocated: UInt64
        public var allocatedPercent: String
        public var projects: [ProjectLine]
        public var categories: [CategoryLine]
        public var unallocatedPercent: String
    }

    public struct ProjectLine: Codable, Sendable, Equatable {
        public var projectID: String
        public var projectName: String
        public var category: String
        public var amount: UInt64
        public var sharePercent: String
    }

    public struct CategoryLine: Codable, Sendable, Equatable {
        public var category: String
        public var amount: UInt64
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
                    amount: amount, sharePercent: ReportFormat.percent(amount, of: face))
            }
            let categories = bond.eligibleCategories.sorted { $0.rawValue < $1.rawValue }.map { category in
                let amount = projects.filter { $0.category == category.name }.reduce(UInt64(0)) { $0.addingSaturating($1.amount) }
                return CategoryLine(category: category.name, amount: amount, sharePercent: ReportFormat.percent(amount, of: face))
            }
            let unallocated = face - min(bond.allocated, face)
            bonds.append(Bond(
                bondID: bond.bondID.value, issuer: bond.issuer.description, currency: bond.currency.value, faceValue: face,
                termMonths: bond.termMonths, allocated: bond.allocated, unallocated: unallocated,
                allocatedPercent: ReportFormat.percent(bond.allocated, of: face), projects: projects, categories: categories,
                unallocatedPercent: ReportFormat.percent(unallocated, of: face)))
        }
    }

    /// One row per project allocation, per eligible category and the unallocated line, per bond.
    public var table: ReportTable {
        var rows: [[String]] = []
        for bond in bonds {
            let prefix = [bond.bondID, bond.issuer, bond.currency, String(bond.faceValue)]
            rows += bond.projects.map { prefix + ["project", $0.projectID, $0.projectName, $0.category, String($0.amount), $0.sharePercent] }
            rows += bond.categories.map { prefix + ["category", "", "", $0.category, String($0.amount), $0.sharePercent] }
            rows.append(prefix + ["unallocated", "", "", "", String(bond.unallocated), bond.unallocatedPercent])
        }
        return ReportTable(
            columns: [
                .init("bond_id"), .init("issuer"), .init("currency"), .init("face_value", rightAligned: true), .init("line"),
                .init("project_id"), .init("project_name"), .init("category"), .init("amount", rightAligned: true),
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
            out.append("  face value   \(bond.currency) \(bond.faceValue) (\(ReportFormat.major(bond.faceValue)))")
            out.append("  allocated    \(bond.currency) \(bond.allocated) (\(ReportFormat.major(bond.allocated))), \(bond.allocatedPercent)%")
            out.append("  unallocated  \(bond.currency) \(bond.unallocated) (\(ReportFormat.major(bond.unallocated))), \(bond.unallocatedPercent)%")
            out.append("allocation by project:")
            out.append(ReportTable(
                columns: [.init("project"), .init("name"), .init("category"), .init("amount", rightAligned: true), .init("share %", rightAligned: true)],
                rows: bond.projects.map { [$0.projectID, $0.projectName, $0.category, String($0.amount), $0.sharePercent] }).text)
            out.append("allocation by eligible category:")
            out.append(ReportTable(
                columns: [.init("category"), .init("amount", rightAligned: true), .init("share %", rightAligned: true)],
                rows: bond.categories.map { [$0.category, String($0.amount), $0.sharePercent] }
                    + [["unallocated", String(bond.unallocated), bond.unallocatedPercent]]).text)
        }
        return out.joined(separator: "\n")
    }
}
