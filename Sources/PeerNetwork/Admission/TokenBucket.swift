/// A token bucket on a monotonic nanosecond clock: `ratePerSecond` tokens a second, at most
/// `burst` held; each admitted action takes one (or, with `spend`, what it turned out to cost).
public struct TokenBucket: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    public private(set) var tokens: Double
    private var lastNanos: UInt64

    public init(ratePerSecond: Double, burst: Double, now: UInt64) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        tokens = burst
        lastNanos = now
    }

    /// Whether there is anything left to spend at `now` (the balance is positive).
    public mutating func hasCredit(now: UInt64) -> Bool {
        refill(now: now)
        return tokens > 0
    }

    /// Spends `amount`, possibly into debt (a cost known only once the work is done): the
    /// debt is paid back by the rate before `hasCredit` is true again.
    public mutating func spend(_ amount: Double, now: UInt64) {
        refill(now: now)
        tokens -= amount
    }

    /// Takes a token if one is there.
    public mutating func take(now: UInt64) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whether the bucket is full at `now` (its source has been quiet long enough to forget).
    public func isFull(now: UInt64) -> Bool {
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
