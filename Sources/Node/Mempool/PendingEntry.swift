import LedgerCore

/// One transaction held by the mempool.
struct PendingEntry: Sendable {
    let transaction: Transaction
    /// Canonical encoding size, counted against `MempoolLimits.bytesMax`.
    let sizeBytes: Int
    /// Admission order, unique per mempool: the deterministic order of `nextBatch`.
    let arrival: UInt64
    /// Handed out by `nextBatch` and neither committed nor released yet.
    var inFlight: Bool
    /// When it was admitted (uptime): how long a proposable transaction has waited (`NodeHealth`).
    let admittedUptimeNanos: UInt64
}

/// A transaction `nextBatch` could hand out, with the key that orders it.
struct BatchCandidate {
    /// The largest arrival number among this entry and the sender's lower ready nonces, so
    /// sorting by (orderKey, nonce) keeps each sender's nonces in order.
    let orderKey: UInt64
    let entry: PendingEntry
}
