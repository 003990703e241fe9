@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Finding 9 of the consensus review: the replica's mempool dropped forwarded and offered
/// transactions silently once it held 10,000, while the node had marked them in flight for good.
@Suite("Mempool backpressure")
struct MempoolBackpressureTests {
    /// `count` distinct valid transactions, in batches the replica takes at once.
    func batches(_ cluster: inout Cluster, count: Int) -> [[Transaction]] {
        let all = (0..<count).map { _ in cluster.transaction() }
        return stride(from: 0, to: count, by: ConsensusLimits.forwardTransactionsMax).map {
            Array(all[$0..<min($0 + ConsensusLimits.forwardTransactionsMax, count)])
        }
    }

    @Test("the host's own transactions beyond the replica's room come back, none is lost")
    func ownTransactionsComeBack() {
        var cluster = Cluster()
        var replica = cluster.replicas[0]
        let room = replica.mempoolRoom
        var refused: [Digest] = []
        var offered = 0
        for batch in batches(&cluster, count: room + 1_500) {
            offered += batch.count
            refused += replica.step(.transactions(batch)).refusedTransactions
        }
        #expect(replica.mempoolCount == room)
        #expect(refused.count == offered - room)
        #expect(replica.mempoolRoom == 0)
        // One batch larger than a FORWARD may carry: the rest comes back too.
        var fresh = Cluster()
        var other = fresh.replicas[1]
        let oversized = (0..<(ConsensusLimits.forwardTransactionsMax + 10)).map { _ in fresh.transaction() }
        let output = other.step(.transactions(oversized))
        #expect(output.refusedTransactions == oversized.suffix(10).map(\.id))
    }

    @Test("a peer's forwards beyond its share are counted, and cannot take another peer's or the host's room")
    func peerQuota() {
        var cluster = Cluster()
        var replica = cluster.replicas[0]
        let share = replica.mempool.peerCapacityMax
        for batch in batches(&cluster, count: share + 700) {
            _ = replica.step(.message(cluster.signed(.forward(batch), by: 3)))
        }
        #expect(replica.mempoolCount == share)
        #expect(replica.counters.dropped(.mempoolFull) == 700)
        #expect(replica.mempoolRoom == Mempool.ownCapacityMax)
        let fromAnother = cluster.transaction()
        _ = replica.step(.message(cluster.signed(.forward([fromAnother]), by: 2)))
        #expect(replica.mempool.contains(fromAnother.id))
    }
}
