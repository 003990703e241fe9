@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Simulator seed 5265 (n = 4, honest validators only): a data directory restored from an older
/// copy brought a validator back in an old view whose primary it was, below the voting floor its
/// host kept. There it may send nothing — no proposal, no vote — and a primary has no view timer,
/// so it waited in that view for good. Once the network needed its vote, the chain stopped.
@Suite("A validator never waits in a view it may not vote in")
struct StrandedPrimaryTests {
    @Test("a primary restored into an old view below its floor leaves it, and the network that needs its vote goes on")
    func restoredPrimaryLeavesViewBelowFloor() throws {
        var cluster = Cluster()
        // Views 0 → 1 → 2, each time with the primary cut off and work waiting.
        for target: UInt64 in 1...2 {
            let stale = UInt16(target - 1)
            cluster.filter = { $0.from != stale && $0.to != stale }
            cluster.offer([cluster.transaction()], to: 3)
            try cluster.tick(until: "view \(target) commits at replica 3", limit: 200) {
                $0.replicas[3].view == target && !$0.replicas[3].isViewChanging && $0.height(3) == Int(target)
            }
        }
        #expect(cluster.replicas[2].view == 2 && cluster.replicas[2].isPrimary && !cluster.replicas[2].isViewChanging)
        let copy = (journal: cluster.journals[2], store: cluster.stores[2], executions: cluster.executions[2])

        // Replica 2's proposals are lost, and it hears nothing but VIEW-CHANGEs: the others
        // complain and move to view 3 without it; it joins their VIEW-CHANGE (its voting
        // high-water mark is now view 3, height 0) and never learns the NEW-VIEW.
        cluster.filter = { !($0.from == 2 && $0.envelope.message.isPrePrepare) && !($0.to == 2 && !$0.envelope.message.isViewChange) }
        let unproposed = cluster.transaction()
        for index: UInt16 in 0..<4 { cluster.offer([unproposed], to: index) }
        try cluster.tick(until: "view 3 commits without replica 2", limit: 200) {
            $0.replicas[3].view == 3 && !$0.replicas[3].isViewChanging && $0.replicas[3].mempool.isEmpty
        }
        #expect(cluster.highWaters[2] == VotingHighWater(view: 3, height: 0))

        // Its data directory goes back to the copy taken in view 2; the host's mark stays.
        cluster.journals[2] = copy.journal
        cluster.stores[2] = copy.store
        cluster.executions[2] = copy.executions
        cluster.restart(2)
        #expect(cluster.replicas[2].votingFloor == VotingHighWater(view: 3, height: 0))

        // Replica 0 goes down: the other three are the only quorum, replica 2 included.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        let work = cluster.transaction()
        cluster.offer([work], to: 1)
        for _ in 0..<300 {
            cluster.tick()
            cluster.serveStateTransfers()
        }
        #expect(cluster.replicas[2].view > 3, "replica 2 still in view \(cluster.replicas[2].view): \(cluster.replicas[2].stateSummary)")
        for index in 1..<4 {
            #expect(cluster.stores[index].contains { $0.block.transactions.contains(work) }, "replica \(index): \(cluster.replicas[index].stateSummary)")
        }
    }
}

extension Cluster {
    /// Ticks until `condition` holds, failing after `limit` ticks.
    mutating func tick(until what: String, limit: Int, _ condition: (Cluster) -> Bool) throws {
        for _ in 0..<limit {
            if condition(self) { return }
            tick()
            serveStateTransfers()
        }
        guard condition(self) else {
            throw ClusterTimeout(what: what, limit: limit, states: replicas.map(\.stateSummary) + highWaters.map { "\($0.map(\.description) ?? "-")" })
        }
    }
}

struct ClusterTimeout: Error, CustomStringConvertible {
    let what: String
    let limit: Int
    let states: [String]
    var description: String { "\(what): not within \(limit) ticks; \(states.joined(separator: " | "))" }
}
