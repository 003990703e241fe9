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
    /// Consensus inputs the replica dropped, by `DropReason` name.
    public var consensusDrops: [String: UInt64] = [:]
    /// Equivocations seen: two different signed votes from one validator for one kind, view and height.
    public var equivocations: UInt64 = 0
    /// Transactions of certified blocks that broke the chain's rules (only > f faulty validators certify those).
    public var certifiedInvalidTransactions: UInt64 = 0
    /// Transactions the replica had no room for, returned to the mempool and offered again.
    public var transactionsReturnedToMempool: UInt64 = 0

    public init() {}
}
