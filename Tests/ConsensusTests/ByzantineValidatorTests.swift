@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Findings 6 and 7 of the consensus review: what one faulty validator holding a real key
/// can no longer do to the honest ones.
@Suite("Byzantine validators")
struct ByzantineValidatorTests {
    @Test("junk for far-future views from one validator cannot crowd out the next view's real messages")
    func futureBufferNotPoisoned() {
        var cluster = Cluster()
        // Faulty replica 3 floods replica 0 with PREPAREs for view 10⁹, then for views 1…8,
        // and PRE-PREPAREs for view 1 although it is not view 1's primary.
        for height in 1...300 as ClosedRange<UInt64> {
            cluster.step(0, .message(cluster.signed(.prepare(Vote(view: 1_000_000_000, height: height, blockHash: SHA256.hash([1]))), by: 3)))
            cluster.step(0, .message(cluster.signed(.prepare(Vote(view: 1 + height % 8, height: height, blockHash: SHA256.hash([2]))), by: 3)))
        }
        let kept = cluster.replicas[0].futureMessages.envelopes
        #expect(kept.count == FutureBuffer.perSenderCountMax(validatorCount: 4))
        #expect(kept.allSatisfy { $0.messageView! <= 8 }, "a view 10⁹ message was buffered")
        #expect(cluster.replicas[0].counters.dropped(.outsideWatermarks) == 300)
        // Replica 0 is cut off while the others change to view 1 and commit a transaction there.
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        let transaction = cluster.transaction()
        for index in 1...3 as ClosedRange<UInt16> { cluster.offer([transaction], to: index) }
        cluster.tick(6)
        #expect((1...3).allSatisfy { cluster.height($0) == 1 })
        // It then hears view 1's traffic with the NEW-VIEW last: everything else waits in its buffer.
        let missed = cluster.sent.filter { $0.to == 0 && !$0.envelope.message.isForward }
        let newViews = missed.filter { $0.envelope.message.isNewView }
        #expect(!newViews.isEmpty)
        for pending in missed where !pending.envelope.message.isNewView { cluster.step(0, .message(pending.envelope)) }
        for pending in newViews { cluster.step(0, .message(pending.envelope)) }
        #expect(cluster.replicas[0].view == 1)
        #expect(cluster.height(0) == 1, "the buffered view-1 messages were lost: \(cluster.replicas[0].stateSummary)")
    }

    @Test("a transaction forwarded to the backups only reaches the primary before anyone complains")
    func forwardToBackupsOnly() {
        var cluster = Cluster()
        // Faulty replica 3 forwards a valid transaction to replicas 1 and 2 but not to primary 0.
        let transaction = cluster.transaction()
        for target: UInt16 in [1, 2] { cluster.step(target, .message(cluster.signed(.forward([transaction]), by: 3))) }
        cluster.deliverAll()
        cluster.tick(20)
        #expect((0..<4).allSatisfy { cluster.replicas[$0].view == 0 }, "an honest primary was voted out")
        #expect((0..<4).allSatisfy { cluster.height($0) == 1 })
    }

    @Test("a block only a faulty validator holds a prepared certificate for is still fetched from its honest preparers")
    func reproposedBodyStaysAvailable() throws {
        var cluster = Cluster()
        // Faulty primary 0 proposes B at height 1 and everyone PREPAREs it, but each honest
        // replica misses one honest PREPARE and 0 sends its own to nobody: only 0 gathers a
        // prepared certificate.
        let missing: Set<[UInt16]> = [[2, 1], [3, 2], [1, 3]]
        cluster.filter = { pending in
            guard pending.envelope.message.isPrepare else { return !pending.envelope.message.isCommit }
            if pending.from == 0 { return pending.to == 0 }
            return !missing.contains([pending.from, pending.to])
        }
        cluster.offer([cluster.transaction()], to: 0)
        let certificate = try #require(cluster.replicas[0].preparedCertificates[1])
        #expect((1...3).allSatisfy { cluster.replicas[$0].preparedCertificates[1] == nil })
        // 0's VIEW-CHANGE with that certificate reaches view 1's primary first, so NEW-VIEW
        // re-proposes B; from then on 0 answers nobody, body requests included.
        cluster.step(1, .message(cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: nil, prepared: [certificate])), by: 0)))
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        cluster.tick(40)
        for index in 1...3 {
            #expect(cluster.height(index) == 1, "replica \(index): \(cluster.replicas[index].stateSummary)")
            #expect(cluster.stores[index].first?.block.hash == certificate.blockHash)
        }
    }

    @Test("replays of one honest message cannot fill that sender's share of the future buffer")
    func replaysHeldOnce() {
        var cluster = Cluster()
        let prepare = cluster.signed(.prepare(Vote(view: 2, height: 1, blockHash: SHA256.hash([9]))), by: 1)
        for _ in 0..<100 { cluster.step(0, .message(prepare)) }
        #expect(cluster.replicas[0].futureMessages.envelopes == [prepare])
    }

    @Test("bodies of a faulty primary's proposals nobody PREPAREd are dropped at the view change")
    func unpreparedBodiesPruned() {
        var cluster = Cluster()
        // Faulty primary 0 proposes a block honest replicas refuse (a non-member's transaction).
        let invalid = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [cluster.transaction(fromOutsider: true)], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        for target in 1...3 as ClosedRange<UInt16> {
            cluster.step(target, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: invalid)), by: 0)))
        }
        #expect((1...3).allSatisfy { cluster.replicas[$0].blocks[invalid.hash] != nil })
        cluster.tick(20)
        #expect((1...3).allSatisfy { cluster.replicas[$0].view >= 1 })
        #expect((1...3).allSatisfy { cluster.replicas[$0].blocks[invalid.hash] == nil }, "the refused body outlived its view")
    }
}
