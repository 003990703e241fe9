/// How long to wait before dialing a peer again: capped exponential backoff with jitter.
///
/// After `failures` consecutive failed attempts the base delay is
/// `min(delayMax, delayInitial × 2^(failures − 1))`, and the actual delay is drawn uniformly
/// from `[base / 2, base]` ("equal jitter"), so validators that lost a peer at the same
/// moment do not all redial it in lockstep.
public struct BackoffPolicy: Hashable, Sendable {
    public var delayInitial: Duration
    public var delayMax: Duration

    public init(delayInitial: Duration = .milliseconds(100), delayMax: Duration = .seconds(2)) {
        self.delayInitial = delayInitial
        self.delayMax = delayMax
    }

    /// The base delay before any jitter; `failures` ≥ 1.
    func baseDelayNanoseconds(failures: Int) -> Int64 {
        let initial = max(1, delayInitial.nanosecondsClamped)
        let cap = max(initial, delayMax.nanosecondsClamped)
        // 2^30 × anything ≥ 1 ns is above a second; stop doubling long before Int64 overflows.
        let exponent = min(max(failures, 1) - 1, 30)
        let (scaled, overflow) = initial.multipliedReportingOverflow(by: Int64(1) << Int64(exponent))
        return overflow ? cap : min(cap, scaled)
    }

    /// The jittered delay to wait after `failures` consecutive failures.
    func delayNanoseconds<Generator: RandomNumberGenerator>(failures: Int, using generator: inout Generator) -> Int64 {
        let base = baseDelayNanoseconds(failures: failures)
        let half = base / 2
        return Int64.random(in: half...base, using: &generator)
    }
}

extension Duration {
    /// This duration in whole nanoseconds, clamped to `0...Int64.max`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (secondsPart, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return Int64.max }
        let (total, overflowSum) = secondsPart.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowSum ? Int64.max : total
    }
}
