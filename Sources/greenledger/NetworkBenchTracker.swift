import Dispatch
import LedgerCore
import LedgerCrypto
import Node

/// Monotonic nanoseconds (CLOCK_MONOTONIC via DispatchTime).
func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Every transaction of a `bench network` run from submission to commit: the submitters
/// register what they send (with the time it was due, so a submitter that falls behind its
/// schedule shows as latency — no coordinated omission), the chain follower reports what
/// committed, and the latency of each lands in one histogram.
actor NetworkBenchTracker {
    private struct Pending {
        let dueNanos: UInt64
        let validator: Int
        var accepted = false
    }

    private var pending: [Digest: Pending] = [:]
    private var outstanding: [Int]
    private(set) var histogram = LatencyHistogram()
    private(set) var submitted = 0
    private(set) var accepted = 0
    private(set) var committed = 0
    private(set) var committedInWindow = 0
    private(set) var failedReceipts = 0
    private(set) var refusals: [String: Int] = [:]
    private(set) var retries: [String: Int] = [:]
    /// (time, committed so far) at each block that held bench transactions.
    private(set) var timeline: [(nanos: UInt64, committed: Int)] = []
    private(set) var lastCommitInWindowNanos: UInt64 = 0
    private var windowEndNanos: UInt64 = .max

    init(validators: Int) { outstanding = [Int](repeating: 0, count: validators) }

    func setWindowEnd(_ nanos: UInt64) { windowEndNanos = nanos }

    /// Before a batch is sent for the first time. `reserved`: its room was taken by `reserve`.
    func willSubmit(_ ids: [Digest], dueNanos: UInt64, validator: Int, reserved: Bool = false) {
        for id in ids where pending[id] == nil { pending[id] = Pending(dueNanos: dueNanos, validator: validator) }
        submitted += ids.count
        if !reserved { outstanding[validator] += ids.count }
    }

    /// Takes room for `count` more outstanding transactions on `validator` if that keeps it at
    /// or under `limit`: one call, so parallel submitters cannot all take the last room.
    func reserve(_ count: Int, validator: Int, limit: Int) -> Bool {
        guard outstanding[validator] + count <= limit else { return false }
        outstanding[validator] += count
        return true
    }

    /// Gives back room taken by `reserve` and not used.
    func release(_ count: Int, validator: Int) { outstanding[validator] -= count }

    func wasAccepted(_ id: Digest) {
        guard var entry = pending[id], !entry.accepted else { return }
        entry.accepted = true
        pending[id] = entry
        accepted += 1
    }

    func willRetry(code: String) { retries[code, default: 0] += 1 }

    /// A final refusal: the transaction will never commit.
    func wasRefused(_ id: Digest, code: String) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        outstanding[entry.validator] -= 1
        refusals[code, default: 0] += 1
    }

    /// A block's receipts, seen by the follower at `nanos`.
    func sawCommitted(_ receipts: [Receipt], at nanos: UInt64) {
        var any = false
        for receipt in receipts {
            guard let entry = pending.removeValue(forKey: receipt.transactionID) else { continue }
            any = true
            if !entry.accepted { accepted += 1 }  // committed before its submission's answer came back
            outstanding[entry.validator] -= 1
            committed += 1
            if nanos <= windowEndNanos {
                committedInWindow += 1
                lastCommitInWindowNanos = nanos
            }
            if !receipt.succeeded { failedReceipts += 1 }
            histogram.record(micros: (nanos &- min(nanos, entry.dueNanos)) / 1_000)
        }
        if any { timeline.append((nanos, committed)) }
    }

    var open: Int { pending.count }

    struct Snapshot: Sendable {
        let submitted: Int, committed: Int, open: Int, refused: Int, retried: Int
        let p99Micros: UInt64?
    }

    struct Figures: Sendable {
        let submitted: Int, accepted: Int, committed: Int, committedInWindow: Int, failedReceipts: Int, open: Int
        let refusals: [String: Int], retries: [String: Int]
        let histogram: LatencyHistogram
        let timeline: [(nanos: UInt64, committed: Int)]
        let lastCommitInWindowNanos: UInt64
    }

    func figures() -> Figures {
        Figures(
            submitted: submitted, accepted: accepted, committed: committed, committedInWindow: committedInWindow,
            failedReceipts: failedReceipts, open: pending.count, refusals: refusals, retries: retries, histogram: histogram,
            timeline: timeline, lastCommitInWindowNanos: lastCommitInWindowNanos)
    }

    func snapshot() -> Snapshot {
        Snapshot(
            submitted: submitted, committed: committed, open: pending.count, refused: refusals.values.reduce(0, +),
            retried: retries.values.reduce(0, +), p99Micros: histogram.value(atQuantile: 0.99))
    }
}
