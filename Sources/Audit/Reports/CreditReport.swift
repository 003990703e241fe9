import LedgerCore

/// Carbon credits per project and vintage — attested (standing), revoked, issued, held
/// (issued − retired − cancelled; suspended credits are held), suspended, retired and
/// cancelled kg CO2e, and how many retirements — with totals, every retirement and every
/// correction (revoked attestations, cancelled and suspended credits, with their reasons).
public struct CreditReport: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var projectID: String
        public var projectName: String
        public var category: String
        public var vintage: UInt16
        public var hostCountry: String?
        public var attestedKg: ExactAmount
        public var revokedKg: ExactAmount
        public var issuedKg: ExactAmount
        public var heldKg: ExactAmount
        public var suspendedKg: ExactAmount
        public var retiredKg: ExactAmount
        public var cancelledKg: ExactAmount
        public var retirements: UInt64
    }

    public struct Totals: Codable, Sendable, Equatable {
        /// Exact sums: a total never saturates.
        public var attestedKg: ExactAmount = .zero
        public var revokedKg: ExactAmount = .zero
        public var issuedKg: ExactAmount = .zero
        public var heldKg: ExactAmount = .zero
        public var suspendedKg: ExactAmount = .zero
        public var retiredKg: ExactAmount = .zero
        public var cancelledKg: ExactAmount = .zero
        public var retirements: UInt64 = 0
    }

    /// A revoked attestation or a registry's hold on credits, with its reason.
    public struct CorrectionLine: Codable, Sendable, Equatable {
        /// `revoked-attestation`, `cancelled` or `suspended`.
        public var kind: String
        public var projectID: String
        public var vintage: UInt16
        /// The attestation's sequence, or the credits' serials `first–last`.
        public var subject: String
        public var quantityKg: ExactAmount
        public var reason: String
        public var height: UInt64
        public var transactionID: String
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
    public var corrections: [CorrectionLine] = []

    public init(_ state: LedgerState, scope: ReportScope) {
        self.scope = scope
        var retirementCounts: [ProjectVintage: UInt64] = [:]
        var cancelled: [ProjectVintage: ExactAmount] = [:]
        var suspended: [ProjectVintage: ExactAmount] = [:]
        var revoked: [ProjectVintage: ExactAmount] = [:]
        for (key, list) in state.attestations {
            for attestation in list {
                guard let revocation = attestation.revocation else { continue }
                revoked[key, default: .zero] += ExactAmount(attestation.quantityKg)
                corrections.append(CorrectionLine(
                    kind: "revoked-attestation", projectID: key.projectID.value, vintage: key.vintage, subject: "attestation #\(attestation.sequence)",
                    quantityKg: ExactAmount(attestation.quantityKg), reason: revocation.reason.value, height: revocation.height,
                    transactionID: revocation.transactionID.hex))
            }
        }
        for block in state.creditBlocks.values.sorted(by: { $0.id < $1.id }) {
            let key = ProjectVintage(projectID: block.id.projectID, vintage: block.id.vintage)
            if let hold = block.hold {
                if hold.kind == .cancelled {
                    cancelled[key, default: .zero] += ExactAmount(block.quantity)
                } else {
                    suspended[key, default: .zero] += ExactAmount(block.quantity)
                }
                corrections.append(CorrectionLine(
                    kind: hold.kind == .cancelled ? "cancelled" : "suspended", projectID: key.projectID.value, vintage: key.vintage,
                    subject: "serials \(block.id.firstSerial)–\(block.lastSerial)", quantityKg: ExactAmount(block.quantity),
                    reason: hold.correction.reason.value, height: hold.correction.height, transactionID: hold.correction.transactionID.hex))
            }
            guard let retirement = block.retirement else { continue }
            retirementCounts[ProjectVintage(projectID: block.id.projectID, vintage: block.id.vintage), default: 0] += 1
            retirements.append(RetirementLine(
                projectID: block.id.projectID.value, vintage: block.id.vintage, firstSerial: block.id.firstSerial, lastSerial: block.lastSerial,
                quantityKg: ExactAmount(block.quantity), beneficiary: retirement.beneficiary.value, reason: retirement.reason.value,
                height: retirement.height, transactionID: retirement.transactionID.hex))
        }
        retirements.sort { ($0.height, $0.projectID, $0.vintage, $0.firstSerial) < ($1.height, $1.projectID, $1.vintage, $1.firstSerial) }
        corrections.sort { ($0.height, $0.projectID, $0.vintage, $0.subject) < ($1.height, $1.projectID, $1.vintage, $1.subject) }
        for (key, account) in state.vintages.sorted(by: { $0.key < $1.key }) {
            let project = state.projects[key.projectID]
            let gone = ExactAmount(account.retiredKg) + (cancelled[key] ?? .zero)
            let line = Line(
                projectID: key.projectID.value, projectName: project?.name.value ?? "", category: project?.category.name ?? "",
                vintage: key.vintage, hostCountry: project?.details?.hostCountry.value, attestedKg: ExactAmount(account.attestedKg),
                revokedKg: revoked[key] ?? .zero, issuedKg: ExactAmount(account.issuedKg),
                heldKg: ExactAmount(account.issuedKg).subtractingClamped(gone), suspendedKg: suspended[key] ?? .zero,
                retiredKg: ExactAmount(account.retiredKg), cancelledKg: cancelled[key] ?? .zero, retirements: retirementCounts[key] ?? 0)
            lines.append(line)
            totals.attestedKg += line.attestedKg
            totals.revokedKg += line.revokedKg
            totals.issuedKg += line.issuedKg
            totals.heldKg += line.heldKg
            totals.suspendedKg += line.suspendedKg
            totals.retiredKg += line.retiredKg
            totals.cancelledKg += line.cancelledKg
            totals.retirements += line.retirements
        }
    }

    /// Exact digits (CSV); `text` groups them for people.
    public var table: ReportTable { table { $0.description } }

    private func table(_ show: (ExactAmount) -> String) -> ReportTable {
        ReportTable(
            columns: [
                .init("project_id"), .init("project_name"), .init("category"), .init("country"), .init("vintage", rightAligned: true),
                .init("attested_kg", rightAligned: true), .init("revoked_kg", rightAligned: true), .init("issued_kg", rightAligned: true),
                .init("held_kg", rightAligned: true), .init("suspended_kg", rightAligned: true), .init("retired_kg", rightAligned: true),
                .init("cancelled_kg", rightAligned: true), .init("retirements", rightAligned: true),
            ],
            rows: lines.map {
                [$0.projectID, $0.projectName, $0.category, $0.hostCountry ?? "", String($0.vintage), show($0.attestedKg), show($0.revokedKg),
                 show($0.issuedKg), show($0.heldKg), show($0.suspendedKg), show($0.retiredKg), show($0.cancelledKg), String($0.retirements)]
            } + [[
                "total", "", "", "", "", show(totals.attestedKg), show(totals.revokedKg), show(totals.issuedKg), show(totals.heldKg),
                show(totals.suspendedKg), show(totals.retiredKg), show(totals.cancelledKg), String(totals.retirements),
            ]])
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
        out.append("corrections:")
        out.append(ReportTable(
            columns: [
                .init("height", rightAligned: true), .init("correction"), .init("project"), .init("vintage", rightAligned: true), .init("what"),
                .init("kg", rightAligned: true), .init("reason"), .init("transaction"),
            ],
            rows: corrections.map {
                [String($0.height), $0.kind, $0.projectID, String($0.vintage), $0.subject, AmountFormat.grouped($0.quantityKg.description),
                 $0.reason, $0.transactionID]
            }).text)
        return out.joined(separator: "\n")
    }
}
