@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Simulator seed 10 (n = 4, with a rolled-back data directory): a replica restarted in an old
/// view in which it is the primary has no view timer, and once the others' new view works
/// nobody sends VIEW-CHANGEs any more: it proposed into its dead view for good.
@Suite("A replica left in a stale view hears the current NEW-VIEW")
struct StaleViewTests {
    @Test("the primary of a dead view gets the current NEW-VIEW in answer to its PRE-PREPARE, installs it and catches up")
    func stalePrimaryLearnsTheView() throws {
        var cluster = Cluster()
        // Primary 0 is cut off; the others change to view 1 and commit work there.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        cluster.offer([cluster.transaction()], to: 1)
        var ticks = 0
        while ticks < 60, cluster.height(1) < 1 {
            cluster.tick()
            ticks += 1
        }
        #expect(cluster.replicas[1].view == 1 && cluster.height(1) == 1)
        #expect(cluster.replicas[0].view == 0)

        // 0 is back, still in view 0, and its own client offers it work: it proposes in view 0.
        cluster.filter = { _ in true }
        let late = cluster.transaction()
        cluster.offer([late], to: 0)
        for _ in 0..<30 {
            cluster.tick()
            cluster.serveStateTransfers()
        }
        #expect(cluster.replicas[0].view >= 1, "replica 0 is still in view \(cluster.replicas[0].view)")
        for index in 0..<4 {
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(late) }, "replica \(index)")
        }
    }
}
