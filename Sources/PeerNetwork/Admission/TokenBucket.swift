/// A token bucket on a monotonic nanosecond clock: `ratePerSecond` tokens a second, at most
/// `burst` held; each admitted action takes one.
struct TokenBucket: Sendable {
    let ratePerSecond: Double
    let burst: Double
    private(set) var tokens: Double
    private var lastNanos: UInt64

    init(ratePerSecond: Double, burst: Double, now: UInt64) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        tokens = burst
        lastNanos = now
    }

    /// Takes a token if one is there.
    mutating func take(now: UInt64) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether the bucket is full at `now` (its source has been quiet long enough to forget).
    func isFull(now: UInt64) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= burst
    }

    var lastRefillNanos: UInt64 { lastNanos }

    private mutating func refill(now: UInt64) {
        guard now > lastNanos else { return }
        tokens = min(burst, tokens + Double(now - lastNanos) / 1e9 * ratePerSecond)
        lastNanos = now
    }
}
