@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Finding 3 of the consensus review: consensus must accept exactly what execution accepts.
/// A validly signed transaction from a key that is no genesis member used to pass the replica's
/// checks (chain, structure, signature), get certified, and stop every node in execution.
@Suite("Consensus accepts what execution accepts")
struct ApplicationValidityTests {
    @Test("a non-member transaction FORWARDed by a faulty validator never reaches a block")
    func forwardedNonMemberRefused() {
        var cluster = Cluster()
        let outsider = cluster.transaction(fromOutsider: true)
        for target in 0..<4 as Range<UInt16> { cluster.step(target, .message(cluster.signed(.forward([outsider]), by: 3))) }
        cluster.deliverAll()
        // The honest work goes on around it.
        let member = cluster.transaction()
        cluster.offer([member], to: 0)
        cluster.tick(20)
        #expect((0..<4).allSatisfy { cluster.height($0) == 1 })
        for index in 0..<4 {
            #expect(!cluster.stores[index].contains { $0.block.transactions.contains(outsider) })
            #expect(cluster.replicas[index].counters.dropped(.invalidTransaction) == 1)
        }
        #expect((0..<4).allSatisfy { cluster.replicas[$0].view == 0 })
    }

    @Test("a faulty primary's block with a non-member transaction gets no PREPARE from an honest replica")
    func proposedNonMemberRefused() {
        var cluster = Cluster()
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [cluster.transaction(), cluster.transaction(fromOutsider: true)],
            stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        cluster.filter = { $0.to != 0 }
        for target in 1...3 as ClosedRange<UInt16> {
            cluster.step(target, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: block)), by: 0)))
        }
        cluster.deliverAll()
        for index in 1...3 as ClosedRange<UInt16> {
            #expect(cluster.messages(from: index) { $0.isPrepare }.isEmpty)
            #expect(cluster.replicas[Int(index)].counters.dropped(.invalidBlock) == 1)
        }
    }
}
