@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Simulator seed 8846 (n = 4) stalled for good: the one honest replica that had committed a
/// height kept only its header after a restart (the host's store holds the block, the replica's
/// memory does not), and a later NEW-VIEW re-proposed that height. The replica would not PREPARE
/// a block whose body it lacked, so the two others who had only prepared it never found the
/// quorum they needed.
@Suite("A replica votes for re-proposals of heights it committed")
struct CommittedReproposalTests {
    @Test("a restarted replica PREPAREs a re-proposal of a height it committed, without the body, and the others commit")
    func restartedCommitterVotesForReproposal() throws {
        var cluster = Cluster()
        // View 0: the PRE-PREPARE to replica 3 and the COMMITs to 0, 1 and 2 are lost. 0, 1 and 2
        // prepare B1; 3 commits it on their COMMITs with a body it asked for, and never votes.
        cluster.filter = { pending in
            switch pending.envelope.message {
            case .prePrepare: pending.to != 3
            case .commit: pending.to == 3
            default: true
            }
        }
        cluster.offer([cluster.transaction()], to: 0)
        #expect(cluster.height(3) == 1)
        let b1 = try #require(cluster.stores[3].first?.block)
        #expect((0...2).allSatisfy { cluster.height($0) == 0 && cluster.replicas[$0].preparedCertificates[1]?.blockHash == b1.hash })

        // Primary 0 falls silent for good; replica 3 restarts (its memory keeps B1's header only).
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        cluster.restart(3)
        #expect(cluster.replicas[3].blocks[b1.hash] == nil)

        // 1, 2 and 3 change view; the NEW-VIEW re-proposes B1 at height 1, which needs 3's votes.
        var ticks = 0
        while ticks < 60, !(cluster.height(1) >= 1 && cluster.height(2) >= 1) {
            cluster.tick()
            ticks += 1
        }
        let newView = try #require(cluster.replicas[1].installedNewView)
        #expect(newView.view == 1 && newView.reproposals.map(\.height) == [1])
        for index in [1, 2] {
            #expect(cluster.height(index) == 1, "replica \(index) stalled at height \(cluster.height(index))")
            #expect(cluster.stores[index].first?.block.hash == b1.hash)
        }
    }
}
