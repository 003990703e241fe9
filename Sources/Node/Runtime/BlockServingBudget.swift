import PeerNetwork

/// What this node serves one peer's block requests (state transfer) at most: a request
/// rate, and bytes a second — a response's size is known only once it is read, so it is
/// spent into debt and later requests wait until the rate has paid it back. A catching-up
/// validator gets ~16 MiB of blocks at once and 8 MiB a second after; a faulty one asking
/// for the same blocks over and over cannot make the node read and send without bound
/// (attack F11).
struct BlockServingBudget: Sendable {
    static let requestsPerSecond = 50.0
    static let requestsBurst = 100.0
    static let bytesPerSecond = 8.0 * 1_024 * 1_024
    static let bytesBurst = 16.0 * 1_024 * 1_024

    private var requests: [Int: TokenBucket] = [:]
    private var bytes: [Int: TokenBucket] = [:]

    /// Whether `peer` may be served now; if so, its request is counted.
    mutating func admit(_ peer: Int, now: UInt64) -> Bool {
        var requestBucket = requests[peer] ?? TokenBucket(ratePerSecond: Self.requestsPerSecond, burst: Self.requestsBurst, now: now)
        var byteBucket = bytes[peer] ?? TokenBucket(ratePerSecond: Self.bytesPerSecond, burst: Self.bytesBurst, now: now)
        defer {
            requests[peer] = requestBucket
            bytes[peer] = byteBucket
        }
        guard byteBucket.hasCredit(now: now) else { return false }
        return requestBucket.take(now: now)
    }

    /// The response to `peer` was `count` bytes.
    mutating func spent(_ count: Int, on peer: Int, now: UInt64) {
        var byteBucket = bytes[peer] ?? TokenBucket(ratePerSecond: Self.bytesPerSecond, burst: Self.bytesBurst, now: now)
        byteBucket.spend(Double(count), now: now)
        bytes[peer] = byteBucket
    }
}
