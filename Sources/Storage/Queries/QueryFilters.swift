import LedgerCore
import LedgerCrypto

/// Filters of the lists. A nil field does not filter; set fields all apply (AND).

public struct ProjectFilter: Sendable, Hashable {
    public var category: TaxonomyCategory?
    public var owner: Address?

    public init(category: TaxonomyCategory? = nil, owner: Address? = nil) {
        self.category = category
        self.owner = owner
    }
}

public struct AttestationFilter: Sendable, Hashable {
    public var projectID: Identifier?
    public var vintage: UInt16?
    public var verifier: Address?

    public init(projectID: Identifier? = nil, vintage: UInt16? = nil, verifier: Address? = nil) {
        self.projectID = projectID
        self.vintage = vintage
        self.verifier = verifier
    }
}


public struct CreditFilter: Sendable, Hashable {
    public var owner: Address?
    public var projectID: Identifier?
    public var vintage: UInt16?
    public var status: CreditStatus?
    /// The one block of `projectID`/`vintage` whose serial range holds this serial; needs both.
    public var serial: UInt64?

    public init(
        owner: Address? = nil, projectID: Identifier? = nil, vintage: UInt16? = nil, status: CreditStatus? = nil, serial: UInt64? = nil
    ) {
        self.owner = owner
        self.projectID = projectID
        self.vintage = vintage
        self.status = status
        self.serial = serial
    }
}

public struct RetirementFilter: Sendable, Hashable {
    public var projectID: Identifier?
    /// Exact beneficiary text (compared as UTF-8 bytes).
    public var beneficiary: String?

    public init(projectID: Identifier? = nil, beneficiary: String? = nil) {
        self.projectID = projectID
        self.beneficiary = beneficiary
    }
}

/// SQL conditions with their bound values, built from a filter.
struct SQLConditions {
    var clauses: [String] = []
    var values: [SQLiteValue] = []

    mutating func add(_ clause: String, _ newValues: SQLiteValue...) {
        clauses.append(clause)
        values.append(contentsOf: newValues)
    }
}
