/// The node's numbers at one moment, as `NodeMetrics.update` takes them: gauges as they are
/// now, counters as totals since the node started.
public struct MetricsSnapshot: Sendable, Hashable {
    public var height: UInt64 = 0
    public var view: UInt64 = 0
    public var committedTransactions: UInt64 = 0
    public var viewChanges: UInt64 = 0
    public var stateTransfers: UInt64 = 0
    public var mempoolTransactions: Int = 0
    public var mempoolBytes: Int = 0
    public var peersConnected: Int = 0
    public var peersExpected: Int = 0
    /// Frames dropped from a full per-peer send queue.
    public var framesDroppedSendQueue: UInt64 = 0
    /// Inbound messages dropped because the node was not reading fast enough.
    public var framesDroppedInbound: UInt64 = 0
    /// ECDSA verifications computed, and checks answered from the verified-signature cache.
    public var signatureChecks: UInt64 = 0
    public var signatureCacheHits: UInt64 = 0
    /// What the peer layer refused or closed, by kind (`MetricsSnapshot.peerRefusalKinds`).
    public var peerRefusals: [String: UInt64] = [:]
    /// Log lines the peer layer held back by rate limiting.
    public var peerLogLinesSuppressed: UInt64 = 0
    /// Consensus inputs the replica dropped, by `DropReason` name.
    public var consensusDrops: [String: UInt64] = [:]
    /// Equivocations seen: two different signed votes from one validator for one kind, view and height.
    public var equivocations: UInt64 = 0
    /// The same per validator and vote kind.
    public var evidence: [EvidenceCountKey: UInt64] = [:]
    /// Transactions of certified blocks that broke the chain's rules (only > f faulty validators certify those).
    public var certifiedInvalidTransactions: UInt64 = 0
    /// Transactions the replica had no room for, returned to the mempool and offered again.
    public var transactionsReturnedToMempool: UInt64 = 0

    public init() {}

    /// The kinds of `peerRefusals`: inbound connections refused for their rate, pending
    /// handshakes evicted for newer ones, failed handshakes, protocol violations (bad or
    /// oversize frames), links closed for silence, duplicate links closed, block requests
    /// refused over their peer's serving budget, messages from a validator's link dropped as
    /// undecodable or signed in another validator's name.
    public static let peerRefusalKinds = [
        "connection_rate", "handshake_evicted", "handshake_failed", "protocol_violation", "idle_timeout", "duplicate_link",
        "block_requests", "inbound_share_full", "suspended", "undecodable", "misattributed",
        "unsolicited_blocks",
    ]
}

/// A validator (by its genesis name) and a vote kind (`pre_prepare`, `prepare`, `commit`, `checkpoint`).
public struct EvidenceCountKey: Sendable, Hashable {
    public var validator: String
    public var kind: String

    public init(validator: String, kind: String) {
        self.validator = validator
        self.kind = kind
    }
}
