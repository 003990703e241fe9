@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// A proposal the primary journaled but nobody received — lost on a link, or sent just before a
/// restart — must still commit, in the same view.
@Suite("Proposals lost on the way")
struct LostProposalTests {
    @Test("a primary restarted after journaling a PRE-PREPARE nobody received sends that block again, and it commits")
    func restartedPrimaryResends() {
        var cluster = Cluster(sealsReceipts: true)
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(5)
        let sealed = cluster.stores[0].count
        // The primary proposes, but every message it sends is lost; then it restarts.
        cluster.filter = { $0.from != 0 }
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 0)
        #expect(cluster.stores[1].count == sealed)
        cluster.filter = { _ in true }
        cluster.restart(0)
        cluster.deliverAll()
        cluster.tick(Int(cluster.parameters.viewTimeoutTicks) * 2)
        for index in 0..<4 {
            #expect(cluster.stores[index].contains { $0.block.transactions == [transaction] }, "replica \(index)")
            #expect(cluster.replicas[index].view == 0, "no view change was needed")
        }
    }

    @Test("a PRE-PREPARE lost without any restart is resent after a timeout period and commits in the same view")
    func lostWithoutRestart() {
        var cluster = Cluster(sealsReceipts: true)
        var lost = true
        cluster.filter = { pending in
            guard lost, pending.from == 0, pending.to != 0, case .prePrepare = pending.envelope.message else { return true }
            return false
        }
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 0)
        #expect(cluster.stores[1].isEmpty)
        lost = false
        cluster.tick(Int(cluster.parameters.viewTimeoutTicks) * 2 + 1)
        #expect(cluster.replicas[0].counters.prePrepareResends >= 1)
        for index in 0..<4 { #expect(cluster.stores[index].first?.block.transactions == [transaction], "replica \(index)") }
    }
}
