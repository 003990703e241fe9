import Foundation
import PeerNetwork
import Synchronization

/// How many transactions with invalid signatures each client (by IP address) may make this
/// node verify: a burst, then a rate. A batch's invalid signatures are known only once it is
/// checked, so they are spent into debt, and the client's next submissions are refused
/// (429 `too-many-invalid-signatures`) before anything is verified until the rate has paid
/// the debt back. Clients that send valid transactions are never slowed. Attack F9: batches
/// of 500 bad signatures from a member key made the node verify 9,000 signatures a second.
final class InvalidSignatureBudget: Sendable {
    let perSecond: Double
    let burst: Double
    /// Clients remembered at most; those with a full budget are forgotten first.
    static let clientsTrackedMax = 4_096
    private let buckets = Mutex<[String: TokenBucket]>([:])

    init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }

    static var nowNanos: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Nil when `client` may submit now; else the seconds until it may.
    func waitSeconds(for client: String, now: UInt64 = InvalidSignatureBudget.nowNanos) -> Double? {
        buckets.withLock { buckets in
            guard var bucket = buckets[client] else { return nil }
            defer { buckets[client] = bucket }
            guard !bucket.hasCredit(now: now) else { return nil }
            return (1 - bucket.tokens) / perSecond
        }
    }

    /// `client` made the node verify `count` invalid signatures.
    func spend(_ count: Int, by client: String, now: UInt64 = InvalidSignatureBudget.nowNanos) {
        guard count > 0 else { return }
        buckets.withLock { buckets in
            if buckets[client] == nil, buckets.count >= Self.clientsTrackedMax {
                buckets = buckets.filter { !$0.value.isFull(now: now) }
                if buckets.count >= Self.clientsTrackedMax, let any = buckets.keys.first { buckets[any] = nil }
            }
            var bucket = buckets[client] ?? TokenBucket(ratePerSecond: perSecond, burst: burst, now: now)
            bucket.spend(Double(count), now: now)
            buckets[client] = bucket
        }
    }
}
