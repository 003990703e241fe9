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
                ("to", who(transfer.to)), ("amount", AmountFormat.money(transfer.amount, transfer.currency.value)),
                ("category", transfer.category.name), ("purpose", transfer.purpose.value),
            ]
        case .registerProject(let project):
            return [
                ("project", project.projectID.value), ("name", project.name.value), ("category", project.category.name),
                ("location", project.location.value), ("owner", who(project.owner)),
            ] + (project.details.map {
                [("host country", $0.hostCountry.value), ("methodology", $0.methodology.value), ("program", $0.program.value)]
            } ?? [])
        case .attestReduction(let attestation):
            return [
                ("project", attestation.projectID.value), ("vintage", "\(attestation.vintage)"),
                ("reduction", AmountFormat.kg(attestation.quantityKg)), ("report sha-256", attestation.reportDigest.hex),
            ] + (attestation.monitoringPeriod.map { [("monitoring", "\($0.start) to \($0.end)")] } ?? [])
        case .issueCredits(let issue):
            return [
                ("project", issue.projectID.value), ("vintage", "\(issue.vintage)"),
                ("serials", "\(issue.firstSerial)–\(issue.firstSerial &+ issue.quantity &- 1) (\(AmountFormat.kg(issue.quantity)))"),
                ("owner", who(issue.owner)),
            ]
        case .transferCredits(let transfer):
            return [("credit block", transfer.block.description), ("quantity", AmountFormat.kg(transfer.quantity)), ("to", who(transfer.to))]
        case .retireCredits(let retirement):
            return [
                ("credit block", retirement.block.description), ("quantity", AmountFormat.kg(retirement.quantity)),
                ("beneficiary", retirement.beneficiary.value), ("reason", retirement.reason.value),
            ]
        case .issueBond(let bond):
            return [
                ("bond", bond.bondID.value), ("face value", AmountFormat.money(bond.faceValue, bond.currency.value)),
                ("term", "\(bond.termMonths) months"), ("eligible", bond.eligibleCategories.map(\.name).joined(separator: ", ")),
            ]
        case .allocateProceeds(let allocation):
            return [("bond", allocation.bondID.value), ("project", allocation.projectID.value), ("amount", "\(AmountFormat.grouped(String(allocation.amount))) minor units of the bond's currency")]
        case .revokeAttestation(let revocation):
            return [
                ("attestation", "\(revocation.projectID)/\(revocation.vintage) #\(revocation.sequence)"), ("reason", revocation.reason.value),
            ]
        case .cancelCredits(let correction), .suspendCredits(let correction), .reinstateCredits(let correction):
            return [
                ("credit block", correction.block.description), ("quantity", AmountFormat.kg(correction.quantity)),
                ("reason", correction.reason.value),
            ]
        }
    }
}
