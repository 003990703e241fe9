import LedgerCore
import LedgerCrypto

/// Valid transactions waiting for a block, in arrival order, without repeats, each with the
/// validator it came from (this replica's own clients, or a peer's FORWARD).
///
/// Bounded per origin, never by a shared count a faulty validator could fill: this replica's own
/// transactions up to `ownCapacityMax` (the host feeds no more than `room(for: self)` and gets
/// back whatever did not fit, see `ReplicaOutput.refusedTransactions`), each peer's forwards up to
/// `peerCapacityMax`. Nothing is evicted; a refused forward is counted by the replica, and its
/// origin still holds it and forwards it again (relay on timeout, with each repeated VIEW-CHANGE).
struct Mempool: Sendable {
    /// The node's own admission bound is 20,000 (`MempoolLimits`): its replica never refuses it.
    static let ownCapacityMax = 20_000
    /// All peers' forwards together, split evenly among the peers (at least `peerCapacityMin` each).
    static let peersCapacityMax = 120_000
    static let peerCapacityMin = 1_000

    let selfIndex: UInt16
    let ownCapacity: Int
    let peerCapacityMax: Int
    private(set) var ordered: [Transaction] = []
    private var origins: [Digest: UInt16] = [:]
    private var countByOrigin: [UInt16: Int] = [:]
    /// The tick each transaction arrived, or was last forwarded again (`takeStale`).
    private var forwardedAt: [Digest: UInt64] = [:]

    init(selfIndex: UInt16 = 0, validatorCount: Int = 1, ownCapacity: Int = Mempool.ownCapacityMax) {
        self.selfIndex = selfIndex
        self.ownCapacity = ownCapacity
        peerCapacityMax = min(Mempool.ownCapacityMax, max(Mempool.peerCapacityMin, Mempool.peersCapacityMax / max(1, validatorCount - 1)))
    }

    var isEmpty: Bool { ordered.isEmpty }
    var count: Int { ordered.count }
    func contains(_ id: Digest) -> Bool { origins[id] != nil }

    func count(from origin: UInt16) -> Int { countByOrigin[origin, default: 0] }

    func capacity(for origin: UInt16) -> Int { origin == selfIndex ? ownCapacity : peerCapacityMax }

    /// How many more transactions from `origin` fit.
    func room(for origin: UInt16) -> Int { max(0, capacity(for: origin) - countByOrigin[origin, default: 0]) }

    enum Insertion: Equatable { case inserted, duplicate, full }

    mutating func insert(_ transaction: Transaction, from origin: UInt16, atTick tick: UInt64 = 0) -> Insertion {
        guard origins[transaction.id] == nil else { return .duplicate }
        guard room(for: origin) > 0 else { return .full }
        origins[transaction.id] = origin
        forwardedAt[transaction.id] = tick
        countByOrigin[origin, default: 0] += 1
        ordered.append(transaction)
        return .inserted
    }

    mutating func remove(_ removed: Set<Digest>) {
        guard removed.contains(where: { origins[$0] != nil }) else { return }
        ordered.removeAll { removed.contains($0.id) }
        for id in removed {
            guard let origin = origins.removeValue(forKey: id) else { continue }
            forwardedAt[id] = nil
            countByOrigin[origin, default: 0] -= 1
            if countByOrigin[origin] == 0 { countByOrigin[origin] = nil }
        }
    }

    /// Up to `limit` transactions, oldest first, that arrived or were last forwarded at or before
    /// `threshold`; they count as forwarded at `now`.
    mutating func takeStale(atOrBefore threshold: UInt64, limit: Int, now: UInt64) -> [Transaction] {
        var stale: [Transaction] = []
        for transaction in ordered where stale.count < limit && forwardedAt[transaction.id, default: 0] <= threshold {
            stale.append(transaction)
            forwardedAt[transaction.id] = now
        }
        return stale
    }

    /// Up to `limit` transactions, oldest first, skipping `excluded`.
    func batch(limit: Int, excluding excluded: Set<Digest>) -> [Transaction] {
        var batch: [Transaction] = []
        for transaction in ordered where batch.count < limit && !excluded.contains(transaction.id) {
            batch.append(transaction)
        }
        return batch
    }
}
