/// A snapshot of what the mempool holds and has done since it started.
public struct MempoolCounters: Sendable, Hashable {
    /// Transactions held now (pending and in flight).
    public var size: Int = 0
    /// Canonical bytes held now.
    public var bytes: Int = 0
    /// Transactions handed out in batches and not yet committed or released.
    public var inFlight: Int = 0
    public var admitted: UInt64 = 0
    /// Identical resubmissions answered as already pending.
    public var duplicates: UInt64 = 0
    /// Refusals by `MempoolRejection.code`.
    public var rejectedByReason: [String: UInt64] = [:]
    /// Signature verifications performed.
    public var signatureChecks: UInt64 = 0
    /// Transactions removed because a block committed them or made them stale.
    public var removedByCommit: UInt64 = 0
    /// Senders whose next nonce is held: transactions a block could carry now.
    public var ready = 0
    /// Admission uptime (ns) of the longest-waiting of those; nil when none is ready.
    public var oldestReadyUptimeNanos: UInt64?

    public init() {}

    public var rejected: UInt64 { rejectedByReason.values.reduce(0, +) }
}
