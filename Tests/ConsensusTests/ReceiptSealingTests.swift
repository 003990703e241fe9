@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// The header at h carries the roots after h − L, so a block's receipts are certified only by
/// a later block. The primary follows a block with transactions by at most L empty blocks.
@Suite("Receipt sealing")
struct ReceiptSealingTests {
    @Test("one transaction is followed by exactly one empty block (L = 1) carrying its roots, then the chain rests")
    func oneSealLag1() throws {
        var cluster = Cluster(sealsReceipts: true)
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(10)
        for index in 0..<4 {
            let store = cluster.stores[index]
            #expect(store.map(\.block.transactions.count) == [1, 0], "replica \(index)")
            let execution = try #require(cluster.executions[index].first { $0.height == 1 })
            #expect(store.last?.block.header.receiptsRoot == execution.receiptsRoot)
            #expect(store.last?.block.header.stateRoot == execution.stateRoot)
        }
    }

    @Test("with L = 2 a busy block is followed by two empty blocks, and a later busy block by two more")
    func sealsLag2() {
        var parameters = Cluster.defaultParameters
        parameters.stateRootLag = 2
        var cluster = Cluster(parameters: parameters, sealsReceipts: true)
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(10)
        #expect(cluster.stores[0].map(\.block.transactions.count) == [1, 0, 0])
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(10)
        #expect(cluster.stores[0].map(\.block.transactions.count) == [1, 0, 0, 1, 0, 0])
        #expect(cluster.stores.allSatisfy { $0.count == 6 })
    }

    @Test("an idle chain makes no blocks")
    func idle() {
        var cluster = Cluster(sealsReceipts: true)
        cluster.tick(20)
        #expect(cluster.stores.allSatisfy { $0.isEmpty })
    }

    @Test("with sealing off the last block's receipts wait for the next transaction")
    func off() {
        var cluster = Cluster(sealsReceipts: false)
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(10)
        #expect(cluster.stores[0].map(\.block.transactions.count) == [1])
    }
}

@Suite("Receipt sealing after a restart")
struct ReceiptSealingRestartTests {
    @Test("a whole network restarted on a chain ending in an unsealed busy block seals it and goes on")
    func restartUnsealed() {
        var cluster = Cluster(sealsReceipts: false)
        for _ in 0..<3 { cluster.offer([cluster.transaction()], to: 0) }
        #expect(cluster.stores[0].map(\.block.transactions.count) == [1, 1, 1])
        cluster.sealsReceipts = true
        for index in 0..<4 { cluster.restart(UInt16(index)) }
        cluster.deliverAll()
        cluster.tick(5)
        cluster.offer([cluster.transaction()], to: 0)
        cluster.tick(5)
        #expect(cluster.stores[0].map(\.block.transactions.count) == [1, 1, 1, 0, 1, 0])
    }
}

