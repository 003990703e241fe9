@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

@Suite("View change")
struct ViewChangeTests {
    @Test("a prepared certificate survives a view change")
    func preparedSurvives() throws {
        var cluster = Cluster()
        // Every COMMIT is lost: the block is prepared everywhere, committed nowhere.
        cluster.filter = { !$0.envelope.message.isCommit }
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 0)
        #expect(cluster.stores.allSatisfy { $0.isEmpty })
        let prepared = try #require(cluster.replicas[1].preparedCertificates[1])
        // Primary 0 goes silent; the backups time out and move to view 1.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        cluster.tick(10)
        for index in 1...3 {
            #expect(cluster.replicas[index].view >= 1)
            let committed = try #require(cluster.stores[index].first)
            #expect(committed.block.hash == prepared.blockHash)
            #expect(committed.certificate.view >= 1)
        }
    }

    @Test("a backup joins a view change only on its own timeout or f+1 VIEW-CHANGEs")
    func joinRule() {
        var cluster = Cluster()
        cluster.step(1, .message(cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: nil, prepared: [])), by: 3)))
        #expect(cluster.replicas[1].view == 0)
        #expect(cluster.replicas[1].isViewChanging == false)
        cluster.step(1, .message(cluster.signed(.viewChange(ViewChange(newView: 2, checkpoint: nil, prepared: [])), by: 2)))
        // f+1 = 2 replicas want a higher view: join the smallest of them.
        #expect(cluster.replicas[1].view == 1)
        #expect(cluster.replicas[1].isViewChanging)
    }

    @Test("view timeouts double per failed view up to viewTimeoutMaxTicks")
    func timeoutsDouble() {
        var replica = Cluster().replicas[1]
        #expect(replica.timeoutTicks == 3)
        replica.viewChangeAttempts = 1
        #expect(replica.timeoutTicks == 6)
        replica.viewChangeAttempts = 2
        #expect(replica.timeoutTicks == 12)
        replica.viewChangeAttempts = 9
        #expect(replica.timeoutTicks == 12)
    }

    @Test("a NEW-VIEW whose re-proposals differ from what its VIEW-CHANGEs prove is rejected")
    func forgedNewView() {
        let cluster = Cluster()
        var replica = cluster.replicas[2]
        let changes = (0..<3).map { index in
            cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: nil, prepared: [])), by: UInt16(index))
        }
        let bogus = NewView(view: 1, viewChanges: changes, reproposals: [Reproposal(height: 1, blockHash: SHA256.hash([7]))])
        _ = replica.step(.message(cluster.signed(.newView(bogus), by: 1)))
        #expect(replica.view == 0)
        #expect(replica.counters.dropped(.invalidContent) == 1)
        let honest = NewView(view: 1, viewChanges: changes, reproposals: [])
        _ = replica.step(.message(cluster.signed(.newView(honest), by: 1)))
        #expect(replica.view == 1)
        #expect(replica.isViewChanging == false)
    }

    @Test("a NEW-VIEW from a replica that is not the new view's primary is dropped")
    func newViewFromNonPrimary() {
        let cluster = Cluster()
        var replica = cluster.replicas[2]
        let changes = (0..<3).map { index in
            cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: nil, prepared: [])), by: UInt16(index))
        }
        _ = replica.step(.message(cluster.signed(.newView(NewView(view: 1, viewChanges: changes, reproposals: [])), by: 3)))
        #expect(replica.view == 0)
        #expect(replica.counters.dropped(.notFromPrimary) == 1)
    }

    @Test("messages for a higher view are buffered and handled once the view is installed")
    func higherViewBuffered() {
        var cluster = Cluster()
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        // The client sends to every backup; the forwards never reach primary 0, so the
        // backups time out, move to view 1, and the transaction commits there.
        let transaction = cluster.transaction()
        for index in 1...3 as ClosedRange<UInt16> { cluster.offer([transaction], to: index) }
        cluster.tick(6)
        #expect((1...3).allSatisfy { cluster.replicas[$0].view == 1 })
        #expect((1...3).allSatisfy { cluster.height($0) == 1 })
        // Replica 0 was cut off; delivering the view-1 traffic it missed brings it along.
        let missed = cluster.sent.filter { $0.to == 0 }
        #expect(!missed.isEmpty)
        for pending in missed { cluster.step(0, .message(pending.envelope)) }
        #expect(cluster.replicas[0].view >= 1)
        #expect(cluster.height(0) == 1)
    }
}

@Suite("Byzantine primary")
struct ByzantinePrimaryTests {
    @Test("an equivocating primary leaves evidence and cannot make honest replicas commit different blocks")
    func equivocatingPrimary() {
        var cluster = Cluster()
        func block(_ marker: UInt64, _ cluster: inout Cluster) -> Block {
            Block(
                chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash,
                timestampMillis: Cluster.genesisTimeMillis + marker, transactions: [cluster.transaction()],
                stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        }
        let a = block(1, &cluster)
        let b = block(2, &cluster)
        // Primary 0 is Byzantine: its own traffic is scripted below, never generated.
        cluster.filter = { $0.to != 0 }
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: a)), by: 0)))
        cluster.step(2, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: a)), by: 0)))
        cluster.step(3, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: b)), by: 0)))
        for target in 1...3 as ClosedRange<UInt16> {
            cluster.step(target, .message(cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: a.hash)), by: 0)))
            cluster.step(target, .message(cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: b.hash)), by: 0)))
        }
        cluster.deliverAll()
        for target in 1...3 as ClosedRange<UInt16> {
            cluster.step(target, .message(cluster.signed(.commit(Vote(view: 0, height: 1, blockHash: a.hash)), by: 0)))
        }
        cluster.deliverAll()
        // Replica 3 finally sees the other proposal too.
        cluster.step(3, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: a)), by: 0)))
        cluster.deliverAll()
        #expect(cluster.replicas[1].evidence.contains { $0.validator == 0 && $0.kind == .prepare })
        #expect(cluster.replicas[3].evidence.contains { $0.validator == 0 && $0.kind == .prePrepare })
        for index in 1...3 where cluster.height(index) > 0 {
            #expect(cluster.stores[index][0].block.hash == a.hash)
        }
        #expect(cluster.height(1) == 1 && cluster.height(2) == 1)
    }
}
