@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Simulator seed 3 of n = 7, once seed 5265's fix changed its schedule: four validators waited
/// in view 5 one VIEW-CHANGE short of a quorum, two had moved on to view 6 (too few for the others
/// to join), and the seventh's VIEW-CHANGEs were dropped by everyone as invalid. Nothing moved again.
@Suite("Validators split across two view changes still converge")
struct SplitViewChangeTests {
    /// Replica 0 (the primary of view 0) is down. Replica 3's VIEW-CHANGE for view 1 is lost,
    /// but it hears the others', times out in view 1 and moves on to view 2 alone: replicas 1 and
    /// 2 hold two VIEW-CHANGEs for view 1 (three make a quorum), and one replica in view 2 is too
    /// few for them to join (two are needed).
    @Test("a replica that moved on sends its VIEW-CHANGE for the earlier view again to those still waiting in it")
    func movedOnReplicaAnswersWithEarlierViewChange() throws {
        var cluster = Cluster()
        let lost: (Cluster.Pending) -> Bool = { pending in
            if case .viewChange(let change) = pending.envelope.message, pending.from == 3, pending.to != 3, change.newView == 1 { return true }
            return false
        }
        cluster.filter = { $0.from != 0 && $0.to != 0 && !lost($0) }
        let work = cluster.transaction()
        for index: UInt16 in 1..<4 { cluster.offer([work], to: index) }
        try cluster.tick(until: "replica 3 moves on to view 2", limit: 200) {
            $0.replicas[3].view == 2 && $0.replicas[3].isViewChanging
        }
        #expect(cluster.replicas[1].view == 1 && cluster.replicas[1].isViewChanging)
        #expect(cluster.replicas[2].view == 1 && cluster.replicas[2].isViewChanging)

        // The network heals except for replica 0. Nobody repeats the lost message by itself:
        // replica 3 repeats only its latest VIEW-CHANGE, for view 2.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        try cluster.tick(until: "the work commits at replicas 1, 2 and 3", limit: 300) { cluster in
            (1..<4).allSatisfy { index in cluster.stores[index].contains { $0.block.transactions.contains(work) } }
        }
        #expect(cluster.replicas[3].counters.viewChangeAnswers > 0)
    }

    @Test("a replica whose journal lost its stable checkpoint still sends a VIEW-CHANGE the others accept")
    func viewChangeWithoutStableCheckpointIsValid() throws {
        var cluster = Cluster()
        // Window 4, a checkpoint every 2: seven blocks, so 6 is stable and 7 prepared above it.
        for _ in 0..<7 { cluster.offer([cluster.transaction()], to: 0) }
        #expect(cluster.replicas[1].lowWatermark == 6)
        #expect(cluster.replicas[1].preparedCertificates[7] != nil)
        // Replica 1's journal record of the stable checkpoint is torn; it restarts without it.
        let stable = try #require(cluster.journals[1].lastIndex { record in
            if case .stable? = try? JournalRecord(canonicalBytes: record) { return true }
            return false
        })
        cluster.journals[1][stable] = Array(cluster.journals[1][stable].prefix(3))
        cluster.restart(1)
        #expect(cluster.replicas[1].lowWatermark == 0)

        // The primary is cut off with work: replica 1 complains like the others.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        let work = cluster.transaction()
        for index: UInt16 in 1..<4 { cluster.offer([work], to: index) }
        try cluster.tick(until: "replica 1 sends a VIEW-CHANGE", limit: 200) { $0.replicas[1].ownViewChange != nil }
        let change = try #require(cluster.replicas[1].ownViewChange)
        #expect(cluster.replicas[2].isValid(change), "replica 1's VIEW-CHANGE carries prepared certificates outside its checkpoint's window")
        try cluster.tick(until: "the work commits at replicas 1, 2 and 3", limit: 300) { cluster in
            (1..<4).allSatisfy { index in cluster.stores[index].contains { $0.block.transactions.contains(work) } }
        }
    }
}
