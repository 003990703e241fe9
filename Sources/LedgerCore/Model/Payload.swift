import LedgerCrypto

/// What a transaction asks the ledger to do. Each case's rules live in `LedgerState`.
public enum Payload: Hashable, Sendable {
    case transferFunds(TransferFunds)
    case registerProject(RegisterProject)
    case attestReduction(AttestReduction)
    case issueCredits(IssueCredits)
    case transferCredits(TransferCredits)
    case retireCredits(RetireCredits)
    case issueBond(IssueBond)
    case allocateProceeds(AllocateProceeds)
    /// Corrections (format 2): a verifier withdraws its attestation; a registry cancels,
    /// suspends or reinstates issued credits. Each keeps the corrected record and says why.
    case revokeAttestation(RevokeAttestation)
    case cancelCredits(CreditCorrection)
    case suspendCredits(CreditCorrection)
    case reinstateCredits(CreditCorrection)

    /// The kind's stable tag in the canonical encoding. A project registered with its details
    /// and an attestation with its monitoring period have tags of their own (9, 10), so a
    /// format-1 payload keeps its bytes and id.
    public var tag: UInt8 {
        switch self {
        case .transferFunds: 1
        case .registerProject(let body): body.details == nil ? 2 : 9
        case .attestReduction(let body): body.monitoringPeriod == nil ? 3 : 10
        case .issueCredits: 4
        case .transferCredits: 5
        case .retireCredits: 6
        case .issueBond: 7
        case .allocateProceeds: 8
        case .revokeAttestation: 11
        case .cancelCredits: 12
        case .suspendCredits: 13
        case .reinstateCredits: 14
        }
    }

    /// The payload format this payload belongs to: 1 for the first eight kinds as they were,
    /// 2 for the details, the monitoring period and the corrections. A genesis of format 1
    /// accepts only format-1 payloads; a format-2 genesis needs every project and attestation
    /// in its format-2 form (`TransactionRules`).
    public var format: UInt8 { tag <= 8 ? 1 : 2 }

    /// Names what a format-2 ledger needs that this payload lacks, or nil.
    public var missingFormatTwoRecord: String? {
        switch self {
        case .registerProject(let body) where body.details == nil: "a project's host country, methodology and program"
        case .attestReduction(let body) where body.monitoringPeriod == nil: "an attestation's monitoring period"
        default: nil
        }
    }

    public var kindName: String {
        switch self {
        case .transferFunds: "transfer-funds"
        case .registerProject: "register-project"
        case .attestReduction: "attest-reduction"
        case .issueCredits: "issue-credits"
        case .transferCredits: "transfer-credits"
        case .retireCredits: "retire-credits"
        case .issueBond: "issue-bond"
        case .allocateProceeds: "allocate-proceeds"
        case .revokeAttestation: "revoke-attestation"
        case .cancelCredits: "cancel-credits"
        case .suspendCredits: "suspend-credits"
        case .reinstateCredits: "reinstate-credits"
        }
    }
}

/// Moves `amount` minor units of `currency` to another member, tagged with the green
/// category the money is for.
public struct TransferFunds: Hashable, Sendable {
    public var to: Address
    public var currency: Identifier
    public var amount: UInt64
    public var category: TaxonomyCategory
    public var purpose: Text

    public init(to: Address, currency: Identifier, amount: UInt64, category: TaxonomyCategory, purpose: Text) {
        self.to = to
        self.currency = currency
        self.amount = amount
        self.category = category
        self.purpose = purpose
    }
}

/// Registers a green project owned by a member.
public struct RegisterProject: Hashable, Sendable {
    public var projectID: Identifier
    public var name: Text
    public var category: TaxonomyCategory
    public var location: Text
    public var owner: Address
    /// Host country, methodology and program: required on a format-2 genesis (tag 9).
    public var details: ProjectDetails?

    public init(projectID: Identifier, name: Text, category: TaxonomyCategory, location: Text, owner: Address, details: ProjectDetails? = nil) {
        self.projectID = projectID
        self.name = name
        self.category = category
        self.location = location
        self.owner = owner
        self.details = details
    }
}

/// A verifier's attestation that a project reduced `quantityKg` kg CO2e in `vintage`
/// (the year the reductions happened), backed by a verification report whose SHA-256 is
/// recorded, over the monitoring period the report covers.
public struct AttestReduction: Hashable, Sendable {
    public var projectID: Identifier
    public var vintage: UInt16
    public var quantityKg: UInt64
    public var reportDigest: Digest
    /// Required on a format-2 genesis (tag 10); the vintage is one of its years.
    public var monitoringPeriod: MonitoringPeriod?

    public init(projectID: Identifier, vintage: UInt16, quantityKg: UInt64, reportDigest: Digest, monitoringPeriod: MonitoringPeriod? = nil) {
        self.projectID = projectID
        self.vintage = vintage
        self.quantityKg = quantityKg
        self.reportDigest = reportDigest
        self.monitoringPeriod = monitoringPeriod
    }
}

/// A registry issues serial-numbered credits (1 unit = 1 kg CO2e) for a project and vintage
/// to `owner`. Serials of a project and vintage are issued contiguously from 1, so
/// `firstSerial` must be the next unissued serial: ranges can never overlap.
public struct IssueCredits: Hashable, Sendable {
    public var projectID: Identifier
    public var vintage: UInt16
    public var firstSerial: UInt64
    public var quantity: UInt64
    public var owner: Address

    public init(projectID: Identifier, vintage: UInt16, firstSerial: UInt64, quantity: UInt64, owner: Address) {
        self.projectID = projectID
        self.vintage = vintage
        self.firstSerial = firstSerial
        self.quantity = quantity
        self.owner = owner
    }
}

/// Names one credit block: the project, vintage and first serial it starts at.
public struct CreditBlockID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var projectID: Identifier
    public var vintage: UInt16
    public var firstSerial: UInt64

    public init(projectID: Identifier, vintage: UInt16, firstSerial: UInt64) {
        self.projectID = projectID
        self.vintage = vintage
        self.firstSerial = firstSerial
    }

    public var description: String { "\(projectID)/\(vintage)/\(firstSerial)" }

    public static func < (lhs: CreditBlockID, rhs: CreditBlockID) -> Bool {
        if lhs.projectID != rhs.projectID { return lhs.projectID < rhs.projectID }
        if lhs.vintage != rhs.vintage { return lhs.vintage < rhs.vintage }
        return lhs.firstSerial < rhs.firstSerial
    }
}

/// Moves the first `quantity` units of a credit block the sender owns to `to`; a partial
/// move splits the block, conserving units.
public struct TransferCredits: Hashable, Sendable {
    public var block: CreditBlockID
    public var quantity: UInt64
    public var to: Address

    public init(block: CreditBlockID, quantity: UInt64, to: Address) {
        self.block = block
        self.quantity = quantity
        self.to = to
    }
}

/// Retires the first `quantity` units of a credit block the sender owns, on behalf of a
/// beneficiary. Retired units are terminal: they never move again.
public struct RetireCredits: Hashable, Sendable {
    public var block: CreditBlockID
    public var quantity: UInt64
    public var beneficiary: Text
    public var reason: Text

    public init(block: CreditBlockID, quantity: UInt64, beneficiary: Text, reason: Text) {
        self.block = block
        self.quantity = quantity
        self.beneficiary = beneficiary
        self.reason = reason
    }
}

/// An issuer records a green bond: proceeds of `faceValue` minor units of `currency` that
/// may only be allocated to projects in `eligibleCategories` (sorted, no repeats).
public struct IssueBond: Hashable, Sendable {
    public var bondID: Identifier
    public var currency: Identifier
    public var faceValue: UInt64
    public var termMonths: UInt16
    public var eligibleCategories: [TaxonomyCategory]

    public init(bondID: Identifier, currency: Identifier, faceValue: UInt64, termMonths: UInt16, eligibleCategories: [TaxonomyCategory]) {
        self.bondID = bondID
        self.currency = currency
        self.faceValue = faceValue
        self.termMonths = termMonths
        self.eligibleCategories = Array(Set(eligibleCategories)).sorted()
    }
}

/// The bond's issuer allocates `amount` of its proceeds to a registered, eligible project:
/// the funds move from the issuer's balance to the project owner's.
public struct AllocateProceeds: Hashable, Sendable {
    public var bondID: Identifier
    public var projectID: Identifier
    public var amount: UInt64

    public init(bondID: Identifier, projectID: Identifier, amount: UInt64) {
        self.bondID = bondID
        self.projectID = projectID
        self.amount = amount
    }
}
