@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// A transaction whose FORWARD was lost stays with the one replica its client gave it to. While
/// other work commits, that replica's view timer restarts on every commit, so it never relays or
/// complains: without a periodic FORWARD of what it has held for long, the transaction waits for
/// as long as the load lasts.
@Suite("A transaction only one replica holds still commits under steady load")
struct StaleTransactionTests {
    @Test("a backup sends again, to every replica, the transactions it has held for two view timeouts")
    func lostForwardIsSentAgain() {
        var cluster = Cluster()
        // Replica 2's FORWARD of its client's transaction is lost on every link.
        cluster.filter = { !($0.from == 2 && $0.envelope.message.isForward) }
        let lonely = cluster.transaction()
        cluster.offer([lonely], to: 2)
        cluster.filter = { _ in true }
        // Steady work through the primary: a commit every tick restarts every backup's timer.
        let period = 2 * Int(cluster.parameters.viewTimeoutTicks)
        for _ in 0..<(3 * period) {
            cluster.offer([cluster.transaction()], to: 0)
            cluster.tick()
        }
        #expect(cluster.replicas[2].counters.staleForwards >= 1)
        for index in 0..<4 {
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(lonely) }, "replica \(index)")
        }
        #expect(cluster.replicas[0].view == 0, "no view change was needed")
    }
}
