import LedgerCore

/// What `greenledger verify` found: either every check passed, or the first bad height and
/// what is wrong there; plus the green-finance summary of the chain as replayed.
public struct AuditReport: Codable, Sendable {
    public var genesisHash: String
    public var chainID: String
    public var storedGenesisHash: String?
    public var fromHeight: UInt64
    public var toHeight: UInt64
    public var blocksChecked: UInt64 = 0
    public var transactionsChecked: UInt64 = 0
    public var signaturesChecked: UInt64 = 0
    public var certificatesChecked: UInt64 = 0
    public var stateTablesChecked = false
    /// Why the stored state was not compared with the replay ("partial range", or online:
    /// the node's state is not fetched), nil when it was.
    public var stateNotCompared: String?
    public var failure: AuditFailure?
    /// Set when the chain could not be read (node unreachable, connection lost, disk error):
    /// the audit reached no verdict, which says nothing about the chain. `failure` is for
    /// what the data shows wrong.
    public var unreadable: AuditFailure?
    public var flows: [FlowLine] = []
    public var credits = CreditSummary()
    public var bonds: [BondLine] = []
    public var elapsedSeconds: Double = 0

    public var passed: Bool { failure == nil && unreadable == nil }

    public struct AuditFailure: Codable, Sendable, Equatable {
        /// The first height where something is wrong (0: the data as a whole, e.g. its genesis).
        public var height: UInt64
        public var problem: String
    }

    /// Funds moved per taxonomy category and currency (transfers and bond allocations).
    public struct FlowLine: Codable, Sendable, Equatable {
        public var category: String
        public var currency: String
        public var transfers: UInt64
        public var amount: ExactAmount
    }

    /// Exact sums (decimal strings in JSON): a total never wraps or saturates.
    public struct CreditSummary: Codable, Sendable, Equatable {
        /// Every attestation as made; `revokedKg` of it was withdrawn later.
        public var attestedKg: ExactAmount = .zero
        public var revokedKg: ExactAmount = .zero
        public var issuedKg: ExactAmount = .zero
        public var retiredKg: ExactAmount = .zero
        public var cancelledKg: ExactAmount = .zero
        public var retirements: UInt64 = 0
        /// Revocations, cancellations, suspensions and reinstatements.
        public var corrections: UInt64 = 0
    }

    public struct BondLine: Codable, Sendable, Equatable {
        public var bondID: String
        public var currency: String
        public var faceValue: ExactAmount
        public var allocated: ExactAmount
    }
}
