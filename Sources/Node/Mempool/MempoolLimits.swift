/// The bounds of one mempool. Every one is checked on admission; nothing is evicted to make
/// room (a full mempool refuses new transactions with `mempoolFull`).
public struct MempoolLimits: Sendable, Hashable {
    /// Most transactions held at once (pending and in flight).
    public var transactionsMax: Int
    /// Most canonical bytes held at once.
    public var bytesMax: Int
    /// How far above a sender's committed nonce a transaction may be (its nonce at most
    /// committed nonce + this).
    public var nonceAheadMax: UInt64
    /// Most transactions in one call to `admit`.
    public var admissionBatchMax: Int

    public init(transactionsMax: Int = 20_000, bytesMax: Int = 32 * 1_024 * 1_024, nonceAheadMax: UInt64 = 64, admissionBatchMax: Int = 1_000) {
        precondition(transactionsMax > 0 && bytesMax > 0 && nonceAheadMax > 0 && admissionBatchMax > 0, "mempool limits must be positive")
        self.transactionsMax = transactionsMax
        self.bytesMax = bytesMax
        self.nonceAheadMax = nonceAheadMax
        self.admissionBatchMax = admissionBatchMax
    }
}
