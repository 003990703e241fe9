@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Simulator seed 1004 of n = 6: two restarted replicas took transactions committed before
/// their restart back into their mempools (a peer's FORWARD, their own proposals given back),
/// waited for them to commit, relayed them to a primary that knew them committed, and started
/// view change after view change in a healthy network; one of them, as primary, proposed
/// them again. A restart now remembers the recently committed transactions the host holds.
@Suite("A restarted replica does not take committed transactions back")
struct RestartedMempoolTests {
    @Test("a committed transaction forwarded to a restarted replica is not held, so nothing times out")
    func committedTransactionIsNotHeldAfterRestart() throws {
        var cluster = Cluster()
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 0)
        let height = cluster.height(0)
        #expect(height >= 1 && (0..<4).allSatisfy { cluster.height($0) == height })
        cluster.restart(2)
        // A lagging peer forwards the committed transaction again.
        cluster.step(2, .message(cluster.signed(.forward([transaction]), by: 1)))
        #expect(!cluster.replicas[2].mempool.contains(transaction.id), "the restarted replica holds a committed transaction")
        let view = cluster.replicas[2].view
        cluster.tick(40)
        #expect(cluster.replicas[2].view == view && !cluster.replicas[2].isViewChanging, "a committed transaction made the replica leave its view")
        #expect((0..<4).allSatisfy { cluster.height($0) == height }, "the committed transaction was proposed again")
    }
}
