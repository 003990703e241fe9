@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

@Suite("Journal and restart")
struct JournalAndRestartTests {
    func block(_ cluster: inout Cluster, marker: UInt64) -> Block {
        Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash,
            timestampMillis: Cluster.genesisTimeMillis + marker, transactions: [cluster.transaction()],
            stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
    }

    @Test("a restarted replica never votes twice differently")
    func noContradictionAfterRestart() {
        var cluster = Cluster()
        let first = block(&cluster, marker: 1)
        let second = block(&cluster, marker: 2)
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: first)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.count == 1)
        cluster.restart(1)
        // An equivocating primary now offers a different block for the same view and height.
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: second)), by: 0)))
        let prepares = cluster.messages(from: 1) { $0.isPrepare }
        #expect(prepares == [.prepare(Vote(view: 0, height: 1, blockHash: first.hash))])
    }

    @Test("every message is journaled before it is sent, and the view with it")
    func journalBeforeSend() throws {
        var cluster = Cluster()
        let proposed = block(&cluster, marker: 1)
        let output = cluster.replicas[1].step(.message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: proposed)), by: 0)))
        #expect(output.messages.count == 1)
        let records = try output.journalAppends.map { try JournalRecord(canonicalBytes: $0) }
        // The body first (so the replica can hand it out after a restart), then the PREPARE.
        #expect(records == [.body(proposed)] + output.messages.map { JournalRecord.sent($0.message) })
        var replica = cluster.replicas[2]
        for _ in 0..<4 { _ = replica.step(.tick(nowMillis: 0)) }
        _ = replica.step(.transactions([cluster.transaction()]))
        var journaledView = false
        // The first timeout relays the transaction to the primary; the second starts the view change.
        for _ in 0..<10 {
            let out = replica.step(.tick(nowMillis: 0))
            let decoded = try out.journalAppends.map { try JournalRecord(canonicalBytes: $0) }
            if decoded.contains(.view(1, changing: true)) { journaledView = true }
        }
        #expect(journaledView)
    }

    @Test("a replica restarted in the middle of a view change stays in that view")
    func restartDuringViewChange() {
        var cluster = Cluster()
        cluster.filter = { _ in false }
        cluster.offer([cluster.transaction()], to: 2)
        cluster.tick(10)
        #expect(cluster.replicas[2].isViewChanging)
        let view = cluster.replicas[2].view
        cluster.restart(2)
        #expect(cluster.replicas[2].view == view)
        #expect(cluster.replicas[2].isViewChanging)
    }

    @Test("a restarted replica keeps its committed height and catches up with the others")
    func restartKeepsHeight() {
        var cluster = Cluster()
        for _ in 0..<3 { cluster.offer([cluster.transaction()], to: 0) }
        cluster.restart(2)
        #expect(cluster.replicas[2].committedHeight == 3)
        #expect(cluster.replicas[2].lowWatermark == 2)
        cluster.offer([cluster.transaction()], to: 0)
        #expect((0..<4).allSatisfy { cluster.height($0) == 4 })
    }

    @Test("journal records round-trip and undecodable bytes are refused")
    func journalCoding() throws {
        let record = JournalRecord.view(7, changing: true)
        #expect(try JournalRecord(canonicalBytes: record.encoded) == record)
        #expect(throws: CodecError.self) { try JournalRecord(canonicalBytes: record.encoded + [0]) }
        #expect(throws: CodecError.self) { try JournalRecord(canonicalBytes: [2, 1]) }
    }
}
