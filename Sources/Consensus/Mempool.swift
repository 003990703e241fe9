import LedgerCore
import LedgerCrypto

/// Valid transactions waiting for a block, in arrival order, without repeats. Bounded:
/// when full, new transactions are refused (the client retries).
struct Mempool: Sendable {
    static let capacityMax = 10_000
    private(set) var ordered: [Transaction] = []
    private var ids: Set<Digest> = []

    var isEmpty: Bool { ordered.isEmpty }
    var count: Int { ordered.count }
    func contains(_ id: Digest) -> Bool { ids.contains(id) }

    /// False when the transaction is already held or the pool is full.
    mutating func insert(_ transaction: Transaction) -> Bool {
        guard ordered.count < Mempool.capacityMax, ids.insert(transaction.id).inserted else { return false }
        ordered.append(transaction)
        return true
    }

    mutating func remove(_ removed: Set<Digest>) {
        guard !removed.isDisjoint(with: ids) else { return }
        ordered.removeAll { removed.contains($0.id) }
        ids.subtract(removed)
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
