@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Findings 4, 5 and 8 of the consensus review: states that only a lost message or a long
/// outage got the network into, and that it must leave by itself once the network heals.
@Suite("Liveness after faults heal")
struct LivenessAfterFaultsTests {
    @Test("after more than eight failed views at one height the healed network still commits")
    func manyFailedViewsThenHeal() {
        var cluster = Cluster()
        // Every COMMIT is lost: height 1 is prepared in view after view and never committed.
        cluster.filter = { !$0.envelope.message.isCommit }
        cluster.offer([cluster.transaction()], to: 0)
        var ticks = 0
        while (0..<4).contains(where: { cluster.replicas[$0].view < 12 }), ticks < 1_000 {
            cluster.tick()
            ticks += 1
        }
        #expect((0..<4).allSatisfy { cluster.replicas[$0].view >= 12 }, "views did not advance: \(cluster.replicas[0].stateSummary)")
        #expect(cluster.stores.allSatisfy { $0.isEmpty })
        cluster.filter = { _ in true }
        cluster.tick(60)
        #expect((0..<4).allSatisfy { cluster.height($0) == 1 }, "stalled: \(cluster.replicas[0].stateSummary)")
    }

    @Test("lost CHECKPOINTs are sent again, so the watermarks move and the chain goes on")
    func lostCheckpointsResent() {
        var cluster = Cluster()
        // Window 4, a checkpoint every 2: every CHECKPOINT of heights 2 and 4 is lost.
        cluster.filter = { !$0.envelope.message.isCheckpoint }
        for _ in 0..<4 { cluster.offer([cluster.transaction()], to: 0) }
        #expect((0..<4).allSatisfy { cluster.height($0) == 4 })
        #expect(cluster.replicas[0].lowWatermark == 0)
        cluster.filter = { _ in true }
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(30)
        #expect((0..<4).allSatisfy { cluster.height($0) == 5 }, "stalled at the high watermark: \(cluster.replicas[0].stateSummary)")
        #expect((0..<4).allSatisfy { cluster.replicas[$0].lowWatermark == 4 })
    }

    @Test("a replica behind the others' stable checkpoint hears it again and moves its watermarks")
    func laggingCheckpointAnswered() {
        var cluster = Cluster()
        // Replica 3 misses every CHECKPOINT: the others make 2 and 4 stable, it does not.
        cluster.filter = { !($0.envelope.message.isCheckpoint && $0.to == 3) }
        for _ in 0..<4 { cluster.offer([cluster.transaction()], to: 0) }
        #expect(cluster.replicas[0].lowWatermark == 4)
        #expect(cluster.replicas[3].lowWatermark == 0)
        cluster.filter = { _ in true }
        cluster.tick(30)
        #expect(cluster.replicas[3].lowWatermark == 4, "\(cluster.replicas[3].stateSummary)")
    }

    @Test("a validator left alone in a higher view forwards what it accepted and follows the others' commits")
    func loneValidatorInHigherView() {
        var cluster = Cluster()
        // Replica 1 is cut off with work, times out alone and starts changing to view 1, whose
        // primary it is. The others stay in view 0.
        cluster.filter = { $0.from != 1 && $0.to != 1 }
        let first = cluster.transaction()
        cluster.offer([first], to: 1)
        var ticks = 0
        while !cluster.replicas[1].isViewChanging, ticks < 30 {
            cluster.tick()
            ticks += 1
        }
        #expect(cluster.replicas[1].view == 1 && cluster.replicas[1].isViewChanging)
        #expect((0..<4).filter { $0 != 1 }.allSatisfy { cluster.replicas[$0].view == 0 })
        // The network heals. A client submits to the lone validator.
        cluster.filter = { _ in true }
        let submitted = cluster.transaction()
        cluster.offer([submitted], to: 1)
        cluster.tick(30)
        for index in [0, 2, 3] {
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(submitted) }, "replica \(index) never committed it")
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(first) }, "replica \(index) never got the first one")
        }
        #expect(cluster.height(1) == cluster.height(0), "the lone validator did not follow: \(cluster.replicas[1].stateSummary)")
        for index in 0..<cluster.height(1) { #expect(cluster.stores[1][index].block.hash == cluster.stores[0][index].block.hash) }
    }
}

extension ConsensusMessage {
    var isCheckpoint: Bool { if case .checkpoint = self { true } else { false } }
    var isForward: Bool { if case .forward = self { true } else { false } }
}
