@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Finding 2 of the consensus review: with a quorum of 2f+1 for any n, 6 validators split 3 | 3
/// committed two different blocks at height 1. q = ⌈(n + f + 1) / 2⌉ makes any two quorums meet.
@Suite("Quorums for n ≠ 3f+1")
struct QuorumPartitionTests {
    @Test("6 validators split 3 | 3 commit on neither side, and agree once healed")
    func sixSplitInHalves() {
        var cluster = Cluster(count: 6)
        #expect(cluster.replicas[0].config.quorum == 4)
        let left: Set<UInt16> = [0, 1, 2]
        cluster.filter = { left.contains($0.from) == left.contains($0.to) }
        // Each side gets its own work; the right side soon changes views until it has a primary.
        cluster.offer([cluster.transaction()], to: 0)
        cluster.offer([cluster.transaction()], to: 3)
        cluster.tick(120)
        let leftCommitted = (0...2).contains { cluster.height($0) > 0 }
        let rightCommitted = (3...5).contains { cluster.height($0) > 0 }
        #expect(!(leftCommitted && rightCommitted), "both halves committed: a fork")
        #expect(!leftCommitted && !rightCommitted, "half of the validators is no quorum")
        cluster.filter = { _ in true }
        cluster.tick(200)
        #expect((0..<6).allSatisfy { cluster.height($0) >= 1 }, "\(cluster.replicas[0].stateSummary)")
        let shortest = (0..<6).map { cluster.height($0) }.min() ?? 0
        for height in 0..<shortest {
            #expect(Set((0..<6).map { cluster.stores[$0][height].block.hash }).count == 1, "replicas disagree at \(height + 1)")
        }
    }
}
