/// Which unauthenticated inbound connections the listener keeps. A stranger can open
/// connections for free, and each costs the node a socket, buffers and (for the handshake
/// reply) a signature, so:
/// - every source address has a rate (a token bucket) and the listener a global one: a
///   connection beyond either is closed at once, before a byte is read or signed;
/// - pending handshakes are bounded per source and globally, and a full table makes room by
///   evicting the oldest pending handshake (of the new connection's source when that source
///   is at its bound, else of the source holding the most) instead of refusing newcomers.
///   Honest handshakes finish in milliseconds, so holding slots open no longer locks
///   validators out: a squatter's connections are the old ones that go (attack F2).
/// Pure and clock-free: the caller passes a monotonic time in nanoseconds.
struct HandshakeGate: Sendable {
    struct Limits: Sendable, Equatable {
        var pendingMax: Int
        var pendingPerSourceMax: Int
        var perSourcePerSecond: Double
        var perSourceBurst: Double
        var globalPerSecond: Double
        var globalBurst: Double
        /// Source buckets remembered at most; quiet sources are forgotten first.
        var sourcesTrackedMax = 4096
    }

    enum Decision: Equatable, Sendable {
        /// Keep the connection; close the pending connection `evicting` first, if set.
        case admit(evicting: Int?)
        /// Close the connection at once.
        case refuse(Refusal)
    }

    enum Refusal: Equatable, Sendable {
        case sourceRate
        case globalRate
    }

    private struct Pending: Sendable {
        let source: String
        let sequence: UInt64
    }

    let limits: Limits
    private var pending: [Int: Pending] = [:]
    private var pendingPerSource: [String: Int] = [:]
    private var buckets: [String: TokenBucket] = [:]
    private var global: TokenBucket
    private var sequence: UInt64 = 0

    init(limits: Limits, now: UInt64) {
        self.limits = limits
        global = TokenBucket(ratePerSecond: limits.globalPerSecond, burst: limits.globalBurst, now: now)
    }

    var pendingCount: Int { pending.count }
    func pendingCount(from source: String) -> Int { pendingPerSource[source] ?? 0 }
    var trackedSources: Int { buckets.count }

    /// Decides on a new inbound connection `id` from `source` (its IP address).
    mutating func admit(_ id: Int, from source: String, now: UInt64) -> Decision {
        var bucket = buckets[source] ?? newBucket(for: source, now: now)
        let sourceHasToken = bucket.take(now: now)
        buckets[source] = bucket
        guard sourceHasToken else { return .refuse(.sourceRate) }
        guard global.take(now: now) else { return .refuse(.globalRate) }
        var victim: Int?
        if pendingCount(from: source) >= limits.pendingPerSourceMax {
            victim = oldestPending { $0 == source }
        } else if pending.count >= limits.pendingMax {
            let busiest = pendingPerSource.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            victim = oldestPending { $0 == busiest }
        }
        if let victim { finished(victim) }
        sequence += 1
        pending[id] = Pending(source: source, sequence: sequence)
        pendingPerSource[source, default: 0] += 1
        return .admit(evicting: victim)
    }

    /// The connection authenticated or closed: its slot is free.
    mutating func finished(_ id: Int) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        let left = (pendingPerSource[entry.source] ?? 1) - 1
        pendingPerSource[entry.source] = left > 0 ? left : nil
    }

    private func oldestPending(where matches: (String) -> Bool) -> Int? {
        pending.filter { matches($0.value.source) }.min { $0.value.sequence < $1.value.sequence }?.key
    }

    /// A bucket for a source not seen lately; when the table is full, quiet sources (full
    /// buckets, nothing pending) are forgotten, then the longest-quiet one.
    private mutating func newBucket(for source: String, now: UInt64) -> TokenBucket {
        if buckets.count >= limits.sourcesTrackedMax {
            buckets = buckets.filter { !$0.value.isFull(now: now) || pendingPerSource[$0.key] != nil }
            if buckets.count >= limits.sourcesTrackedMax,
               let quietest = buckets.min(by: { $0.value.lastRefillNanos < $1.value.lastRefillNanos })?.key {
                buckets[quietest] = nil
            }
        }
        return TokenBucket(ratePerSecond: limits.perSourcePerSecond, burst: limits.perSourceBurst, now: now)
    }
}
