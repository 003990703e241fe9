import LedgerCore
import LedgerCrypto

/// A payload's fields as (label, value) lines for people. Addresses are followed by the
/// member's name when `genesis` knows them.
enum PayloadSummary {
    static func fields(of payload: Payload, genesis: Genesis?) -> [(String, String)] {
        func who(_ address: Address) -> String {
            genesis?.member(at: address).map { "\(address) (\($0.name))" } ?? address.description
        }
        switch payload {
        case .transferFunds(let transfer):
            return [
                ("to", who(transfer.to)), ("amount", "\(transfer.amount) minor units of \(transfer.currency)"),
                ("category", transfer.category.name), ("purpose", transfer.purpose.value),
            ]
        case .registerProject(let project):
            return [
                ("project", project.projectID.value), ("name", project.name.value), ("category", project.category.name),
                ("location", project.location.value), ("owner", who(project.owner)),
            ]
        case .attestReduction(let attestation):
            return [
                ("project", attestation.projectID.value), ("vintage", "\(attestation.vintage)"),
                ("reduction", "\(attestation.quantityKg) kg CO2e"), ("report sha-256", attestation.reportDigest.hex),
            ]
        case .issueCredits(let issue):
            return [
                ("project", issue.projectID.value), ("vintage", "\(issue.vintage)"),
                ("serials", "\(issue.firstSerial)–\(issue.firstSerial &+ issue.quantity &- 1) (\(issue.quantity) kg CO2e)"),
                ("owner", who(issue.owner)),
            ]
        case .transferCredits(let transfer):
            return [("credit block", transfer.block.description), ("quantity", "\(transfer.quantity) kg CO2e"), ("to", who(transfer.to))]
        case .retireCredits(let retirement):
            return [
                ("credit block", retirement.block.description), ("quantity", "\(retirement.quantity) kg CO2e"),
                ("beneficiary", retirement.beneficiary.value), ("reason", retirement.reason.value),
            ]
        case .issueBond(let bond):
            return [
                ("bond", bond.bondID.value), ("face value", "\(bond.faceValue) minor units of \(bond.currency)"),
                ("term", "\(bond.termMonths) months"), ("eligible", bond.eligibleCategories.map(\.name).joined(separator: ", ")),
            ]
        case .allocateProceeds(let allocation):
            return [("bond", allocation.bondID.value), ("project", allocation.projectID.value), ("amount", "\(allocation.amount) minor units")]
        }
    }
}
