@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Finding 1 of the consensus review: the re-proposals of an installed NEW-VIEW bind (view,
/// height) to a digest exactly as a PREPARE does, so they must survive a restart.
@Suite("NEW-VIEW bindings survive restarts")
struct NewViewDurabilityTests {
    /// Messages a filter holds back instead of dropping, to deliver later.
    final class Held: @unchecked Sendable { var pending: [Cluster.Pending] = [] }

    static let lagTwo = ConsensusParameters(
        batchSizeMax: 1, checkpointInterval: 4, stateRootLag: 2, watermarkWindow: 8, tickMillis: 100,
        viewTimeoutTicks: 3, viewTimeoutMaxTicks: 12, clockSkewMaxMillis: 1_000)

    @Test("a rolling restart across a view change cannot fork what one replica committed in the old view")
    func rollingRestartDuringViewChange() throws {
        var cluster = Cluster(parameters: NewViewDurabilityTests.lagTwo)
        // View 0: replica 3 commits B1 and B2; the others only prepare them (their COMMITs are lost).
        cluster.filter = { !($0.envelope.message.isCommit && $0.to != 3) }
        cluster.offer([cluster.transaction(), cluster.transaction()], to: 0)
        #expect(cluster.height(3) == 2)
        let b2 = try #require(cluster.stores[3].last?.block)
        #expect((0...2).allSatisfy { cluster.height($0) == 0 && cluster.replicas[$0].preparedCertificates[2]?.blockHash == b2.hash })

        // Replica 3 is cut off; 0, 1, 2 move to view 1, whose NEW-VIEW re-proposes [1:B1, 2:B2].
        // Their view-1 PREPAREs are held in flight, so nobody has prepared height 1 in view 1 yet.
        let held = Held()
        cluster.filter = { pending in
            if pending.from == 3 || pending.to == 3 { return false }
            if pending.envelope.message.isPrepare { held.pending.append(pending); return false }
            return true
        }
        var ticks = 0
        while !(0...2).allSatisfy({ cluster.replicas[$0].view == 1 && !cluster.replicas[$0].isViewChanging }), ticks < 20 {
            cluster.tick()
            ticks += 1
        }
        for index in 0...2 {
            #expect(cluster.replicas[index].view == 1 && !cluster.replicas[index].isViewChanging)
        }
        let newView = try #require(cluster.replicas[1].installedNewView)
        #expect(newView.reproposals.map(\.height) == [1, 2])

        // The new primary, then 0 and 2, restart one at a time; then the held PREPAREs arrive.
        for index: UInt16 in [1, 0, 2] { cluster.restart(index) }
        cluster.filter = { $0.from != 3 && $0.to != 3 }
        for pending in held.pending { cluster.enqueue(pending) }
        cluster.deliverAll()
        // New work for the primary: it must not put it at height 2, which NEW-VIEW bound to B2.
        cluster.offer([cluster.transaction()], to: 1)
        cluster.tick(20)

        for index in 0...2 {
            #expect(cluster.height(index) >= 2, "replica \(index) stopped at \(cluster.height(index))")
            if cluster.height(index) >= 2 {
                #expect(cluster.stores[index][1].block.hash == b2.hash, "replica \(index) committed another block than B2 at height 2")
            }
        }
    }

    @Test("the primary restarted after sending NEW-VIEW sends the same NEW-VIEW again, never another")
    func primaryResendsItsNewView() throws {
        var cluster = Cluster()
        // Every COMMIT is lost, so the block is prepared everywhere and the view changes. Primary 1
        // of view 1 builds its NEW-VIEW from the VIEW-CHANGEs of 0, 1 and 2 (3's never reaches it),
        // and the NEW-VIEW reaches nobody, itself included.
        cluster.filter = { !$0.envelope.message.isCommit }
        cluster.offer([cluster.transaction()], to: 0)
        cluster.filter = { pending in
            let message = pending.envelope.message
            return !message.isCommit && !message.isNewView && !(message.isViewChange && pending.from == 3 && pending.to == 1)
        }
        cluster.tick(8)
        #expect(cluster.messages(from: 1) { $0.newViewTarget == 1 }.count == 1)
        // It restarts, and now hears the VIEW-CHANGEs of 3 and 2: another valid set of 2f+1.
        cluster.restart(1)
        cluster.filter = { _ in true }
        for sender: UInt16 in [3, 2] {
            let change = try #require(cluster.sent.first { $0.from == sender && $0.envelope.message.isViewChange })
            cluster.step(1, .message(change.envelope))
        }
        cluster.deliverAll()
        cluster.tick(30)
        #expect(cluster.messages(from: 1) { $0.newViewTarget == 1 }.count == 1, "two different NEW-VIEWs for view 1")
        #expect((0..<4).allSatisfy { cluster.height($0) == 1 })
    }
}

extension ConsensusMessage {
    var newViewTarget: UInt64? { if case .newView(let newView) = self { newView.view } else { nil } }
}
