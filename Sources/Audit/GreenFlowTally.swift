import LedgerCore

/// Accumulates the report's green-finance summary from successfully executed transactions.
struct GreenFlowTally {
    private var flows: [String: AuditReport.FlowLine] = [:]
    private(set) var credits = AuditReport.CreditSummary()

    mutating func record(_ transaction: Transaction, receipt: Receipt, state: LedgerState) {
        guard receipt.succeeded else { return }
        switch transaction.payload {
        case .transferFunds(let body):
            // A transfer to oneself moves nothing: never a green flow.
            guard body.to != transaction.senderAddress else { return }
            add(category: body.category, currency: body.currency.value, amount: body.amount)
        case .allocateProceeds(let body):
            guard let project = state.projects[body.projectID], let bond = state.bonds[body.bondID] else { return }
            add(category: project.category, currency: bond.currency.value, amount: body.amount)
        case .attestReduction(let body):
            credits.attestedKg += body.quantityKg
        case .issueCredits(let body):
            credits.issuedKg += body.quantity
        case .retireCredits(let body):
            credits.retiredKg += body.quantity
            credits.retirements += 1
        case .revokeAttestation(let body):
            let key = ProjectVintage(projectID: body.projectID, vintage: body.vintage)
            credits.revokedKg += state.attestations[key]?[Int(body.sequence)].quantityKg ?? 0
            credits.corrections += 1
        case .cancelCredits(let body):
            credits.cancelledKg += body.quantity
            credits.corrections += 1
        case .suspendCredits, .reinstateCredits:
            credits.corrections += 1
        case .registerProject, .transferCredits, .issueBond:
            break
        }
    }

    private mutating func add(category: TaxonomyCategory, currency: String, amount: UInt64) {
        let key = "\(category.name)/\(currency)"
        var line = flows[key] ?? AuditReport.FlowLine(category: category.name, currency: currency, transfers: 0, amount: .zero)
        line.transfers += 1
        line.amount += amount
        flows[key] = line
    }

    var flowLines: [AuditReport.FlowLine] {
        flows.values.sorted { ($0.category, $0.currency) < ($1.category, $1.currency) }
    }
}
