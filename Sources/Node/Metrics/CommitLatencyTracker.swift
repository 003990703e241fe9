/// When this node first saw each height's PRE-PREPARE, so a commit can be timed from
/// proposal to stored block. Bounded: heights at or below the last commit are forgotten, and
/// past `capacity` open heights the lowest make room. A block that arrives by state transfer
/// was never seen proposed and is not timed.
struct CommitLatencyTracker: Sendable {
    static let capacity = 1_024
    private var firstSeen: [UInt64: ContinuousClock.Instant] = [:]
    private var committedHeight: UInt64 = 0

    /// Notes a PRE-PREPARE for `height` seen at `now`; later ones (re-proposals) keep the first time.
    mutating func sawProposal(height: UInt64, at now: ContinuousClock.Instant) {
        guard height > committedHeight, firstSeen[height] == nil else { return }
        if firstSeen.count >= CommitLatencyTracker.capacity, let lowest = firstSeen.keys.min() {
            firstSeen[lowest] = nil
        }
        firstSeen[height] = now
    }

    /// The time from `height`'s first PRE-PREPARE to `now`, nil if none was seen.
    mutating func committed(height: UInt64, at now: ContinuousClock.Instant) -> Duration? {
        committedHeight = max(committedHeight, height)
        let seen = firstSeen[height]
        firstSeen = firstSeen.filter { $0.key > committedHeight }
        return seen.map { now - $0 }
    }
}
