/// Bodies of the query endpoints (docs/api.md, "Queries"). Amounts and serials are decimal
/// strings (they can exceed the integers JavaScript represents exactly); every list and detail
/// carries the `height` of the ledger snapshot it was read from.

/// A page of a list: `next` is the `after` cursor of the following page, absent at the end.
public struct ListBody<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var items: [Item]
    public var next: String?
    public var height: UInt64

    public init(items: [Item], next: String?, height: UInt64) {
        self.items = items
        self.next = next
        self.height = height
    }
}

public struct ProjectBody: Codable, Sendable, Hashable {
    public var projectId: String
    public var name: String
    public var category: String
    public var location: String
    public var owner: String
    public var registeredHeight: UInt64
    /// ISO 3166-1 alpha-2; absent on a format-1 chain (with `methodology` and `program`).
    public var hostCountry: String?
    public var methodology: String?
    public var program: String?
}

public struct VintageBody: Codable, Sendable, Hashable {
    public var vintage: UInt16
    /// Standing attestations; `revokedKg` were withdrawn.
    public var attestedKg: String
    public var revokedKg: String?
    public var issuedKg: String
    public var retiredKg: String
    public var cancelledKg: String?
    /// Issued and neither retired nor cancelled (suspended credits included).
    public var heldKg: String
    public var suspendedKg: String?
    public var attestationCount: UInt32
}

/// `GET /v1/projects/{id}`.
public struct ProjectDetailBody: Codable, Sendable, Hashable {
    public var project: ProjectBody
    public var vintages: [VintageBody]
    public var height: UInt64
}

public struct AttestationBody: Codable, Sendable, Hashable {
    public var projectId: String
    public var vintage: UInt16
    public var sequence: UInt32
    public var verifier: String
    public var quantityKg: String
    public var reportSha256: String
    public var height: UInt64
    /// `YYYY-MM-DD`; absent on a format-1 chain.
    public var periodStart: String?
    public var periodEnd: String?
    public var revocation: CorrectionBody?
}

/// Why, when and by which transaction a record was corrected.
public struct CorrectionBody: Codable, Sendable, Hashable {
    public var reason: String
    public var height: UInt64
    public var transactionId: String
}

public struct RetirementBody: Codable, Sendable, Hashable {
    public var beneficiary: String
    public var reason: String
    public var height: UInt64
    public var transactionId: String
}

/// A credit block: serials `firstSerial`…`lastSerial` (1 kg CO2e each) of one project vintage.
public struct CreditBlockBody: Codable, Sendable, Hashable {
    public var projectId: String
    public var vintage: UInt16
    public var firstSerial: String
    public var lastSerial: String
    public var quantityKg: String
    public var owner: String
    /// "issued", "retired", "cancelled" or "suspended".
    public var status: String
    public var retirement: RetirementBody?
    /// The registry's cancellation or suspension.
    public var hold: CorrectionBody?
}

public struct BondBody: Codable, Sendable, Hashable {
    public var bondId: String
    public var issuer: String
    public var currency: String
    /// Minor units of `currency`.
    public var faceValue: String
    public var allocated: String
    public var unallocated: String
    public var termMonths: UInt16
    public var eligibleCategories: [String]
}

public struct AllocationBody: Codable, Sendable, Hashable {
    public var projectId: String
    public var category: String
    public var amount: String
}

public struct CategoryTotalBody: Codable, Sendable, Hashable {
    public var category: String
    public var amount: String
}

/// `GET /v1/bonds/{id}`.
public struct BondDetailBody: Codable, Sendable, Hashable {
    public var bond: BondBody
    public var allocations: [AllocationBody]
    public var categoryTotals: [CategoryTotalBody]
    public var height: UInt64
}

/// A committed transaction in `GET /v1/transactions?sender=…`.
public struct TransactionSummaryBody: Codable, Sendable, Hashable {
    public var id: String
    public var height: UInt64
    public var position: Int
    public var sender: String
    public var nonce: UInt64
    public var kind: String
    public var success: Bool
    public var failure: ErrorDetail?
}

public struct BlockSummaryBody: Codable, Sendable, Hashable {
    public var height: UInt64
    public var hash: String
    public var timestampMillis: UInt64
    public var transactionCount: Int
}
