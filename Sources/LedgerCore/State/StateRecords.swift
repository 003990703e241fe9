import LedgerCrypto

/// A member's account: its next-nonce counter and balances per currency.
public struct Account: Hashable, Sendable {
    public var nonce: UInt64
    /// Minor units per currency; zero balances are not stored.
    public var balances: [Identifier: UInt64]

    public init(nonce: UInt64 = 0, balances: [Identifier: UInt64] = [:]) {
        self.nonce = nonce
        self.balances = balances
    }

    public func balance(_ currency: Identifier) -> UInt64 { balances[currency] ?? 0 }
}

public struct Project: Hashable, Sendable {
    public var projectID: Identifier
    public var name: Text
    public var category: TaxonomyCategory
    public var location: Text
    public var owner: Address
    public var registeredAtHeight: UInt64
    /// Host country, methodology and program (format 2); nil on a format-1 chain.
    public var details: ProjectDetails? = nil
}

/// Per project and vintage: what verifiers attested and what the registry issued against it.
public struct VintageAccount: Hashable, Sendable {
    public var attestedKg: UInt64 = 0
    public var issuedKg: UInt64 = 0
    public var retiredKg: UInt64 = 0
    public var attestationCount: UInt32 = 0
    /// Issued credits the registry cancelled (format 2): they stay issued (their serials are
    /// never reused) but need no attestation behind them any more.
    public var cancelledKg: UInt64 = 0
}

public struct ProjectVintage: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var projectID: Identifier
    public var vintage: UInt16

    public init(projectID: Identifier, vintage: UInt16) {
        self.projectID = projectID
        self.vintage = vintage
    }

    public var description: String { "\(projectID)/\(vintage)" }

    public static func < (lhs: ProjectVintage, rhs: ProjectVintage) -> Bool {
        (lhs.projectID, lhs.vintage) < (rhs.projectID, rhs.vintage)
    }
}

/// One verifier attestation, kept for audit.
public struct Attestation: Hashable, Sendable {
    public var projectID: Identifier
    public var vintage: UInt16
    public var sequence: UInt32
    public var verifier: Address
    public var quantityKg: UInt64
    public var reportDigest: Digest
    public var height: UInt64
    /// The days the verification covered (format 2).
    public var monitoringPeriod: MonitoringPeriod? = nil
    /// Set when its verifier withdrew it; a revoked attestation backs no credits.
    public var revocation: Correction? = nil
}

/// A correction recorded on the record it corrects: why, when, and by which transaction.
public struct Correction: Hashable, Sendable {
    public var reason: Text
    public var height: UInt64
    public var transactionID: Digest

    public init(reason: Text, height: UInt64, transactionID: Digest) {
        self.reason = reason
        self.height = height
        self.transactionID = transactionID
    }
}

/// A credit unit's status, as registries report it (Verra, CAD Trust).
public enum CreditStatus: String, Hashable, Sendable, CaseIterable {
    /// Issued and free to move or retire.
    case issued
    /// Used against a claim; final.
    case retired
    /// Withdrawn by the registry; final: never moves or retires.
    case cancelled
    /// Frozen by the registry until reinstated.
    case suspended
}

/// A registry's hold on issued credits.
public struct CreditHold: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case cancelled = 1
        case suspended = 2
    }

    public var kind: Kind
    public var correction: Correction

    public init(kind: Kind, correction: Correction) {
        self.kind = kind
        self.correction = correction
    }
}

/// A contiguous run of serial-numbered credits [firstSerial, firstSerial + quantity).
public struct CreditBlock: Hashable, Sendable {
    public var id: CreditBlockID
    public var quantity: UInt64
    public var owner: Address
    /// Set once retired; a retired block never moves again.
    public var retirement: Retirement?
    /// Set when a registry cancelled or suspended the block (format 2).
    public var hold: CreditHold? = nil

    public var lastSerial: UInt64 { id.firstSerial + quantity - 1 }

    public var status: CreditStatus {
        if retirement != nil { return .retired }
        switch hold?.kind {
        case .cancelled: return .cancelled
        case .suspended: return .suspended
        case nil: return .issued
        }
    }
}

public struct Retirement: Hashable, Sendable {
    public var beneficiary: Text
    public var reason: Text
    public var height: UInt64
    public var transactionID: Digest
}

public struct Bond: Hashable, Sendable {
    public var bondID: Identifier
    public var issuer: Address
    public var currency: Identifier
    public var faceValue: UInt64
    public var termMonths: UInt16
    public var eligibleCategories: [TaxonomyCategory]
    public var allocated: UInt64

    public var unallocated: UInt64 { faceValue - allocated }
}

public struct BondProject: Hashable, Comparable, Sendable {
    public var bondID: Identifier
    public var projectID: Identifier

    public static func < (lhs: BondProject, rhs: BondProject) -> Bool {
        (lhs.bondID, lhs.projectID) < (rhs.bondID, rhs.projectID)
    }
}
