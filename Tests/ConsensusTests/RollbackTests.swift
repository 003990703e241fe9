@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// A validator's data directory restored from an older copy: its journal forgets votes it sent.
/// The host's voting high-water mark, kept apart from the data directory, tells the restarted
/// replica so, and it refuses every vote at or below the mark.
@Suite("A rolled-back data directory never makes a validator vote twice")
struct RollbackTests {
    /// The primary proposes B1, which nobody receives; its data directory then goes back to a
    /// copy taken before. Offered other work, it would propose another block at the same view
    /// and height — an honest validator equivocating.
    @Test("a primary restored from an older copy proposes nothing where it already proposed, leaves its view, and the network goes on")
    func rolledBackPrimaryDoesNotEquivocate() throws {
        var cluster = Cluster()
        let backup = (journal: cluster.journals[0], store: cluster.stores[0], executions: cluster.executions[0])
        cluster.filter = { $0.from != 0 }
        cluster.offer([cluster.transaction()], to: 0)
        let first = try #require(cluster.messages(from: 0) { $0.isPrePrepare }.first)
        #expect(cluster.highWaters[0] == VotingHighWater(view: 0, height: 1))

        // Roll back: the copy replaces journal and store; the high-water mark stays.
        cluster.journals[0] = backup.journal
        cluster.stores[0] = backup.store
        cluster.executions[0] = backup.executions
        cluster.restart(0)
        #expect(cluster.replicas[0].votingFloor == VotingHighWater(view: 0, height: 1))
        #expect(cluster.replicas[0].counters.rollbacksDetected == 1)
        cluster.filter = { _ in true }
        let second = cluster.transaction()
        cluster.offer([second], to: 0)
        cluster.tick(40)

        let proposals = cluster.messages(from: 0) { $0.isPrePrepare && $0.prePrepareKey == first.prePrepareKey }
        #expect(proposals.count == 1, "validator 0 proposed two different blocks at view 0, height 1")
        // It could not propose below its floor, so it gave up view 0 instead of waiting in it.
        #expect(cluster.replicas[0].view >= 1)
        // The others changed view and committed the work; the rolled-back replica caught up.
        for index in 0..<4 {
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(second) }, "replica \(index)")
        }
    }

    /// Simulator seed 463 of n = 6: a primary sent its NEW-VIEW, then its data directory went
    /// back to a copy taken after its VIEW-CHANGE for that view and before the NEW-VIEW. Both
    /// counted as height 0 of the view, so the host's mark showed nothing missing, and the
    /// restored primary built another NEW-VIEW from other VIEW-CHANGEs: two for one view.
    @Test("a primary restored to a copy taken between its VIEW-CHANGE and its NEW-VIEW sends no other NEW-VIEW")
    func rolledBackNewViewPrimary() throws {
        var cluster = Cluster()
        // Height 1 prepares but commits nowhere (COMMITs lost): view 1 re-proposes it.
        cluster.filter = { !$0.envelope.message.isCommit }
        cluster.offer([cluster.transaction()], to: 0)
        // Replica 0 falls silent and replica 1 hears nobody: 1, 2 and 3 time out into view 1,
        // whose primary is replica 1.
        cluster.filter = { $0.from != 0 && !$0.envelope.message.isCommit && ($0.to != 1 || $0.from == 1) }
        try cluster.tick(until: "replicas 1–3 changing to view 1", limit: 200) { cluster in
            (1...3).allSatisfy { cluster.replicas[$0].view == 1 && cluster.replicas[$0].isViewChanging }
        }
        let backup = (journal: cluster.journals[1], store: cluster.stores[1], executions: cluster.executions[1])
        // Replica 1 now gets the VIEW-CHANGEs of 2 and 3: its NEW-VIEW rests on them.
        let changes = cluster.sent.filter { pending in
            guard [2, 3].contains(pending.from), pending.to == 1, case .viewChange(let change) = pending.envelope.message else { return false }
            return change.newView == 1
        }
        for pending in changes { cluster.step(1, .message(pending.envelope)) }
        let first = try #require(cluster.messages(from: 1) { $0.isNewView }.first)
        guard case .newView(let sent) = first else { return }
        // Roll back replica 1 to the copy; the host's mark stays.
        cluster.journals[1] = backup.journal
        cluster.stores[1] = backup.store
        cluster.executions[1] = backup.executions
        cluster.restart(1)
        #expect(cluster.replicas[1].counters.rollbacksDetected == 1)
        // Replica 0 is back and replica 3 is cut off: a NEW-VIEW built now would rest on other
        // VIEW-CHANGEs, another message for the same view.
        cluster.filter = { $0.from != 3 && $0.to != 3 }
        cluster.tick(60)
        let newViews = cluster.messages(from: 1) { if case .newView(let newView) = $0 { newView.view == sent.view } else { false } }
        #expect(newViews.count == 1, "validator 1 sent \(newViews.count) different NEW-VIEWs for view \(sent.view)")
        #expect(cluster.replicas[1].view > sent.view)
    }

    @Test("the floor survives a later restart and journal compaction")
    func floorIsDurable() {
        var cluster = Cluster()
        // A floor in the replica's own view (0): it may still vote there, above height 40.
        cluster.highWaters[2] = VotingHighWater(view: 0, height: 40)
        cluster.restart(2)
        #expect(cluster.replicas[2].votingFloor == VotingHighWater(view: 0, height: 40))
        // Restarted again with the same journal (which now holds the floor) and no host mark.
        cluster.highWaters[2] = nil
        cluster.restart(2)
        #expect(cluster.replicas[2].votingFloor == VotingHighWater(view: 0, height: 40))
        #expect(cluster.replicas[2].view == 0)
        #expect(cluster.replicas[2].journalSnapshot().contains(JournalRecord.floor(VotingHighWater(view: 0, height: 40)).encoded))
    }

    @Test("restored into a view below its floor, a replica complains about the first view above it at once")
    func viewBelowFloorLeftAtRestart() {
        var cluster = Cluster()
        cluster.highWaters[2] = VotingHighWater(view: 5, height: 40)
        cluster.restart(2)
        #expect(cluster.replicas[2].votingFloor == VotingHighWater(view: 5, height: 40))
        #expect(cluster.replicas[2].view == 6 && cluster.replicas[2].isViewChanging)
        #expect(cluster.messages(from: 2) { $0.isViewChange }.count == 1)
        // Once above the floor's view the floor forbids nothing more, and compaction drops it.
        #expect(!cluster.replicas[2].journalSnapshot().contains(JournalRecord.floor(VotingHighWater(view: 5, height: 40)).encoded))
    }

    @Test("a normal restart, journal intact, sets no floor")
    func intactJournalHasNoFloor() {
        var cluster = Cluster()
        for _ in 0..<3 { cluster.offer([cluster.transaction()], to: 0) }
        cluster.tick(3)
        for index: UInt16 in 0..<4 {
            cluster.restart(index)
            #expect(cluster.replicas[Int(index)].votingFloor == nil, "replica \(index)")
        }
        cluster.offer([cluster.transaction()], to: 0)
        #expect((0..<4).allSatisfy { cluster.height($0) == 4 })
    }

    @Test("what a floor forbids")
    func floorRules() {
        let floor = VotingHighWater(view: 2, height: 10)
        func vote(_ view: UInt64, _ height: UInt64) -> ConsensusMessage { .prepare(Vote(view: view, height: height, blockHash: .zero)) }
        #expect(floor.forbids(vote(2, 10)) && floor.forbids(vote(1, 50)) && floor.forbids(vote(2, 3)))
        #expect(!floor.forbids(vote(2, 11)) && !floor.forbids(vote(3, 1)))
        #expect(floor.forbids(.viewChange(ViewChange(newView: 2, checkpoint: nil, prepared: []))))
        #expect(!floor.forbids(.viewChange(ViewChange(newView: 3, checkpoint: nil, prepared: []))))
        #expect(!floor.forbids(.checkpoint(Checkpoint(height: 5, blockHash: .zero, stateRoot: .zero))))
        let record = JournalRecord.floor(floor)
        #expect((try? JournalRecord(canonicalBytes: record.encoded)) == record)
    }
}

extension ConsensusMessage {
    var prePrepareKey: String? { if case .prePrepare(let p) = self { "\(p.view)/\(p.height)" } else { nil } }
}

@Suite("A torn journal record never makes a validator vote twice")
struct TornJournalTests {
    @Test("a restart with an unreadable journal record votes in no view it knew, and rejoins in the next")
    func tornRecordSetsAFloor() {
        var cluster = Cluster()
        cluster.offer([cluster.transaction()], to: 0)
        let view = cluster.replicas[1].view
        // Tear replica 1's last record, then restart it.
        let last = cluster.journals[1].count - 1
        cluster.journals[1][last] = Array(cluster.journals[1][last].prefix(cluster.journals[1][last].count / 2))
        cluster.restart(1)
        #expect(cluster.replicas[1].counters.unreadableJournalRecords == 1)
        #expect(cluster.replicas[1].votingFloor == VotingHighWater(view: view, height: UInt64.max))
        // The others still commit (3 of 4 are a quorum); replica 1 follows on their COMMITs.
        let next = cluster.transaction()
        cluster.offer([next], to: 0)
        cluster.tick(5)
        for index in 0..<4 { #expect(cluster.stores[index].contains { $0.block.transactions.contains(next) }, "replica \(index)") }
        #expect(cluster.messages(from: 1) { $0.isPrepare && $0.preparedView == view && $0.preparedHeight == 2 }.isEmpty)
    }

    @Test("a single validator with a damaged journal moves to the next view and goes on")
    func singleValidatorRecovers() {
        var cluster = Cluster(count: 1)
        cluster.offer([cluster.transaction()], to: 0)
        #expect(cluster.height(0) == 1)
        cluster.journals[0][0] = [0xFF]
        cluster.restart(0)
        let next = cluster.transaction()
        cluster.offer([next], to: 0)
        cluster.tick(20)
        #expect(cluster.replicas[0].view >= 1)
        #expect(cluster.stores[0].contains { $0.block.transactions.contains(next) })
    }
}

extension ConsensusMessage {
    var preparedView: UInt64? { if case .prepare(let vote) = self { vote.view } else { nil } }
    var preparedHeight: UInt64? { if case .prepare(let vote) = self { vote.height } else { nil } }
}
