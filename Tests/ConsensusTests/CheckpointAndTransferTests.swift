@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

@Suite("Checkpoints and state transfer")
struct CheckpointAndTransferTests {
    @Test("a stable checkpoint (2f+1 CHECKPOINTs) moves the watermarks and garbage-collects messages")
    func stableCheckpoint() {
        var cluster = Cluster()
        for _ in 0..<3 { cluster.offer([cluster.transaction()], to: 0) }
        for index in 0..<4 {
            #expect(cluster.replicas[index].lowWatermark == 2)
            #expect(cluster.replicas[index].slots.keys.allSatisfy { $0 > 2 })
            #expect(cluster.replicas[index].preparedCertificates.keys.allSatisfy { $0 > 2 })
            #expect(cluster.replicas[index].blocks.values.allSatisfy { $0.height > 2 })
            // The host keeps every block and certificate.
            #expect(cluster.height(index) == 3)
        }
        // The journal was compacted to the snapshot: nothing at or below the checkpoint.
        #expect(cluster.journals[1].count < 10)
    }

    @Test("a message outside the watermark window is dropped and counted")
    func outsideWatermarks() {
        let cluster = Cluster()
        var replica = cluster.replicas[1]
        _ = replica.step(.message(cluster.signed(.prepare(Vote(view: 0, height: 9, blockHash: SHA256.hash([1]))), by: 2)))
        #expect(replica.counters.dropped(.outsideWatermarks) == 1)
    }

    @Test("a replica below the low watermark catches up by state transfer")
    func belowLowWatermarkCatchesUp() {
        var cluster = Cluster()
        // Replica 3 hears nothing while the others commit well past its window.
        cluster.filter = { $0.to != 3 && $0.from != 3 }
        for _ in 0..<8 { cluster.offer([cluster.transaction()], to: 0) }
        #expect(cluster.height(0) == 8)
        #expect(cluster.height(3) == 0)
        // Reconnected, it sees f+1 matching CHECKPOINTs above its high watermark.
        cluster.filter = { _ in true }
        for pending in cluster.sent where pending.to == 3 {
            if case .checkpoint = pending.envelope.message { cluster.step(3, .message(pending.envelope)) }
        }
        for index in [0, 1, 2] as [UInt16] {
            let checkpoint = Checkpoint(
                height: 8, blockHash: cluster.stores[Int(index)][7].block.hash, stateRoot: cluster.executions[Int(index)][7].stateRoot)
            cluster.step(3, .message(cluster.signed(.checkpoint(checkpoint), by: index)))
        }
        #expect(!cluster.stateTransferRequests.isEmpty)
        cluster.serveStateTransfers()
        #expect(cluster.height(3) == 8)
        #expect(cluster.stores[3].map(\.block.hash) == cluster.stores[0].map(\.block.hash))
        #expect(cluster.replicas[3].counters.stateTransfersStarted == 1)
    }

    @Test("state transfer rejects a bad certificate and switches peers")
    func stateTransferRejectsBadPeer() throws {
        var cluster = Cluster()
        cluster.filter = { $0.to != 3 && $0.from != 3 }
        for _ in 0..<8 { cluster.offer([cluster.transaction()], to: 0) }
        for index in [0, 1, 2] as [UInt16] {
            let checkpoint = Checkpoint(
                height: 8, blockHash: cluster.stores[Int(index)][7].block.hash, stateRoot: cluster.executions[Int(index)][7].stateRoot)
            cluster.step(3, .message(cluster.signed(.checkpoint(checkpoint), by: index)))
        }
        let (_, request) = try #require(cluster.stateTransferRequests.first)
        cluster.stateTransferRequests.removeAll()
        // The peer lies: a block with a certificate holding only f+1 signatures.
        let genuine = cluster.stores[0][0]
        let weak = CommitCertificate(
            view: genuine.certificate.view, height: 1, blockHash: genuine.block.hash,
            signatures: Array(genuine.certificate.signatures.prefix(2)))
        cluster.step(3, .stateTransferResponse(StateTransferResponse(
            peer: request.peer, entries: [CommittedBlock(block: genuine.block, certificate: weak)])))
        #expect(cluster.height(3) == 0)
        #expect(cluster.replicas[3].counters.dropped(.invalidStateTransfer) == 1)
        #expect(cluster.replicas[3].counters.stateTransferPeerSwitches == 1)
        let next = try #require(cluster.stateTransferRequests.first)
        #expect(next.request.peer != request.peer)
        cluster.serveStateTransfers()
        #expect(cluster.height(3) == 8)
    }

    @Test("a single replica's CHECKPOINT cannot start a state transfer")
    func oneCheckpointIsNotEnough() {
        var cluster = Cluster()
        let checkpoint = Checkpoint(height: 8, blockHash: SHA256.hash([1]), stateRoot: SHA256.hash([2]))
        cluster.step(3, .message(cluster.signed(.checkpoint(checkpoint), by: 1)))
        #expect(cluster.stateTransferRequests.isEmpty)
    }
    /// A replica restarted on an idle network missed blocks and hears of no new ones; its host
    /// asks a peer that connects for the blocks after its height. Those certified blocks are
    /// taken without a transfer under way; forged or out-of-order ones are not.
    @Test("certified blocks a peer sends after a restart are taken without a transfer; others are dropped")
    func unsolicitedCertifiedBlocksAreTaken() throws {
        var cluster = Cluster()
        cluster.filter = { $0.to != 3 && $0.from != 3 }
        for _ in 0..<3 { cluster.offer([cluster.transaction()], to: 0) }
        let committed = cluster.stores[0]
        #expect(committed.count >= 3 && cluster.height(3) == 0 && cluster.stateTransferRequests.isEmpty)
        // Out of order (height 2 first) or with a forged certificate: dropped, nothing taken.
        cluster.step(3, .stateTransferResponse(StateTransferResponse(peer: 1, entries: Array(committed[1...]))))
        let weak = CommitCertificate(
            view: committed[0].certificate.view, height: 1, blockHash: committed[0].block.hash,
            signatures: Array(committed[0].certificate.signatures.prefix(2)))
        cluster.step(3, .stateTransferResponse(StateTransferResponse(peer: 1, entries: [CommittedBlock(block: committed[0].block, certificate: weak)])))
        #expect(cluster.height(3) == 0)
        #expect(cluster.replicas[3].counters.dropped(.unsolicited) == 1)
        #expect(cluster.replicas[3].counters.dropped(.invalidStateTransfer) == 1)
        // The genuine answer: every block, in order, with its certificate.
        cluster.step(3, .stateTransferResponse(StateTransferResponse(peer: 1, entries: committed)))
        #expect(cluster.height(3) == UInt64(committed.count))
        #expect(cluster.stores[3].map(\.block.hash) == committed.map(\.block.hash))
        #expect(cluster.replicas[3].counters.certifiedBlocksTaken == committed.count)
    }

    @Test("an answer longer than one transfer range is taken a range at a time; its last certificate starts a transfer for the rest")
    func longUnsolicitedAnswerStartsATransfer() throws {
        var cluster = Cluster()
        cluster.filter = { $0.to != 3 && $0.from != 3 }
        for _ in 0..<20 { cluster.offer([cluster.transaction()], to: 0) }
        let committed = cluster.stores[0]
        let range = Int(Replica.stateTransferRangeMax)
        #expect(committed.count > range)
        cluster.step(3, .stateTransferResponse(StateTransferResponse(peer: 1, entries: committed)))
        #expect(cluster.height(3) == UInt64(range))
        #expect(cluster.replicas[3].stateTransferTarget == UInt64(committed.count))
        cluster.serveStateTransfers()
        #expect(cluster.height(3) == UInt64(committed.count))
        #expect(cluster.stores[3].map(\.block.hash) == committed.map(\.block.hash))
    }
}
