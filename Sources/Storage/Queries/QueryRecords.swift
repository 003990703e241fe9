import LedgerCore

/// Rows of the queryable tables as values. Amounts are exact `UInt64`s (kg CO2e for
/// reductions and credits, minor units for money); identifiers and addresses are the text the
/// ledger stores.

public struct AccountRecord: Sendable, Hashable {
    public let address: String
    public let nonce: UInt64
    /// Sorted by currency.
    public let balances: [CurrencyAmount]
}

public struct CurrencyAmount: Sendable, Hashable {
    public let currency: String
    public let amount: UInt64
}

public struct ProjectRecord: Sendable, Hashable {
    public let projectID: String
    public let name: String
    public let category: String
    public let location: String
    public let owner: String
    public let registeredHeight: UInt64
    /// ISO 3166-1 alpha-2, methodology id and registry program; nil on a format-1 chain.
    public let hostCountry: String?
    public let methodology: String?
    public let program: String?
}

/// One vintage of a project: what was attested (net of revocations), issued, retired and
/// cancelled, and what is still held.
public struct VintageRecord: Sendable, Hashable {
    public let vintage: UInt16
    /// Standing attestations: revoked ones no longer count.
    public let attestedKg: UInt64
    public let revokedKg: UInt64
    public let issuedKg: UInt64
    public let retiredKg: UInt64
    public let cancelledKg: UInt64
    /// Issued and neither retired nor cancelled (suspended credits are still held).
    public let heldKg: UInt64
    /// Held but frozen by the registry.
    public let suspendedKg: UInt64
    public let attestationCount: UInt32
}

public struct ProjectDetail: Sendable, Hashable {
    public let project: ProjectRecord
    /// In vintage order.
    public let vintages: [VintageRecord]
}

public struct AttestationRecord: Sendable, Hashable {
    public let projectID: String
    public let vintage: UInt16
    public let sequence: UInt32
    public let verifier: String
    public let quantityKg: UInt64
    public let reportSHA256: String
    public let height: UInt64
    /// `YYYY-MM-DD`; nil on a format-1 chain.
    public let periodStart: String?
    public let periodEnd: String?
    /// Set when its verifier withdrew it.
    public let revocation: CorrectionRecord?
}

/// Why, when and by which transaction a record was corrected.
public struct CorrectionRecord: Sendable, Hashable {
    public let reason: String
    public let height: UInt64
    /// Hex id of the correcting transaction.
    public let transactionID: String
}

public struct RetirementRecord: Sendable, Hashable {
    public let beneficiary: String
    public let reason: String
    public let height: UInt64
    /// Hex id of the retiring transaction.
    public let transactionID: String
}

public struct CreditBlockRecord: Sendable, Hashable {
    public let projectID: String
    public let vintage: UInt16
    public let firstSerial: UInt64
    public let lastSerial: UInt64
    public let quantity: UInt64
    public let owner: String
    public let status: CreditStatus
    /// Nil while held; set once retired (final).
    public let retirement: RetirementRecord?
    /// The registry's cancellation or suspension, when `status` is one of them.
    public let hold: CorrectionRecord?
}

public struct BondRecord: Sendable, Hashable {
    public let bondID: String
    public let issuer: String
    public let currency: String
    public let faceValue: UInt64
    public let termMonths: UInt16
    public let eligibleCategories: [String]
    public let allocated: UInt64
    public let unallocated: UInt64
}

public struct AllocationRecord: Sendable, Hashable {
    public let projectID: String
    /// The project's taxonomy category.
    public let category: String
    public let amount: UInt64
}

public struct BondDetail: Sendable, Hashable {
    public let bond: BondRecord
    /// In project order.
    public let allocations: [AllocationRecord]
    /// Allocated amount per category, in category-name order.
    public let categoryTotals: [CategoryAmount]
}

public struct CategoryAmount: Sendable, Hashable {
    public let category: String
    public let amount: UInt64
}

/// A committed transaction as indexed, with its receipt's outcome.
public struct TransactionRecord: Sendable, Hashable {
    public let transactionID: String
    public let height: UInt64
    public let position: Int
    public let sender: String
    public let nonce: UInt64
    public let kind: String
    public let success: Bool
    public let failureCode: String?
    public let failureMessage: String?
}

public struct BlockSummary: Sendable, Hashable {
    public let height: UInt64
    public let hash: String
    public let timestampMillis: UInt64
    public let transactionCount: Int
}
