@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

@Suite("Messages")
struct MessageTests {
    @Test("messages from non-validators, other chains, bad signatures and stale views are dropped and counted")
    func dropsAreCounted() {
        let cluster = Cluster()
        var replica = cluster.replicas[1]
        let vote = Vote(view: 0, height: 1, blockHash: SHA256.hash([1]))
        let good = cluster.signed(.prepare(vote), by: 2)
        _ = replica.step(.message(SignedEnvelope(sender: 9, message: good.message, signature: good.signature)))
        #expect(replica.counters.dropped(.unknownSender) == 1)
        _ = replica.step(.message(SignedEnvelope(sender: 3, message: good.message, signature: good.signature)))
        #expect(replica.counters.dropped(.badSignature) == 1)
        // Signed for another chain: the vote digest binds chain id and genesis hash.
        let otherChain = VoteDigest.compute(
            kind: .prepare, chainID: "other-chain", genesisHash: Cluster.genesisHash, view: 0, height: 1, digest: vote.blockHash)
        let foreign = SignedEnvelope(sender: 2, message: .prepare(vote), signature: try! cluster.signers[2].sign(digest: otherChain))
        _ = replica.step(.message(foreign))
        #expect(replica.counters.dropped(.badSignature) == 2)
        replica.view = 3
        _ = replica.step(.message(good))
        #expect(replica.counters.dropped(.staleView) == 1)
    }

    @Test("two different votes from one validator are kept as evidence; an identical duplicate is ignored")
    func evidenceAndDuplicates() {
        let cluster = Cluster()
        var replica = cluster.replicas[1]
        let first = cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: SHA256.hash([1]))), by: 2)
        let second = cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: SHA256.hash([2]))), by: 2)
        _ = replica.step(.message(first))
        _ = replica.step(.message(first))
        #expect(replica.counters.dropped(.duplicate) == 1)
        #expect(replica.evidence.isEmpty)
        _ = replica.step(.message(second))
        #expect(replica.evidence.count == 1)
        #expect(replica.evidence.first?.validator == 2)
        #expect(replica.evidence.first?.kind == .prepare)
        #expect(replica.prepares.count(view: 0, height: 1, digest: SHA256.hash([2])) == 0)
    }

    @Test("a PRE-PREPARE from a replica that is not the primary is dropped")
    func prePrepareFromBackup() {
        var cluster = Cluster()
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [cluster.transaction()], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        var replica = cluster.replicas[1]
        _ = replica.step(.message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: block)), by: 2)))
        #expect(replica.counters.dropped(.notFromPrimary) == 1)
    }

    @Test("every message kind round-trips through the canonical codec")
    func roundTrip() throws {
        var cluster = Cluster()
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: 5,
            transactions: [cluster.transaction()], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        let signature = ValidatorSignature(validatorIndex: 1, signature: cluster.signed(.blockRequest(.zero), by: 1).signature)
        let prepared = PreparedCertificate(view: 0, height: 1, blockHash: block.hash, signatures: [signature])
        let checkpoint = CheckpointCertificate(
            checkpoint: Checkpoint(height: 2, blockHash: block.hash, stateRoot: .zero), signatures: [signature])
        let viewChange = cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: checkpoint, prepared: [prepared])), by: 2)
        let messages: [ConsensusMessage] = [
            .prePrepare(PrePrepare(view: 0, block: block)),
            .prepare(Vote(view: 0, height: 1, blockHash: block.hash)),
            .commit(Vote(view: 0, height: 1, blockHash: block.hash)),
            .checkpoint(checkpoint.checkpoint),
            viewChange.message,
            .newView(NewView(view: 1, viewChanges: [viewChange], reproposals: [Reproposal(height: 1, blockHash: block.hash)])),
            .forward(block.transactions),
            .blockRequest(block.hash),
            .blockResponse(block),
        ]
        for message in messages {
            let envelope = cluster.signed(message, by: 1)
            let bytes = envelope.canonicalBytes
            #expect(try SignedEnvelope.decode(bytes) == envelope)
            #expect(throws: CodecError.self) { try SignedEnvelope.decode(bytes + [0]) }
            #expect(throws: CodecError.self) { try SignedEnvelope.decode(Array(bytes.dropLast())) }
        }
    }

    @Test("decoding is strict: unknown versions and tags, and a NEW-VIEW nested in a NEW-VIEW, are refused")
    func strictDecoding() {
        let cluster = Cluster()
        var bytes = cluster.signed(.blockRequest(.zero), by: 1).canonicalBytes
        bytes[0] = 2
        #expect(throws: CodecError.unsupportedVersion(type: "consensus envelope", version: 2)) { try SignedEnvelope.decode(bytes) }
        bytes[0] = 1
        bytes[3] = 42
        #expect(throws: CodecError.unknownTag(type: "consensus message", tag: 42)) { try SignedEnvelope.decode(bytes) }
        let inner = cluster.signed(.newView(NewView(view: 1, viewChanges: [], reproposals: [])), by: 1)
        var writer = CanonicalWriter()
        writer.write(UInt8(6))
        writer.write(UInt64(2))
        writer.write(UInt32(1))
        writer.write(inner)
        writer.write(UInt32(0))
        #expect(throws: CodecError.self) { try ConsensusMessage(canonicalBytes: writer.bytes) }
    }

    @Test("votes sign the ledger's VoteDigest, so COMMIT signatures form a CommitCertificate")
    func voteDigests() {
        let vote = Vote(view: 3, height: 9, blockHash: SHA256.hash([1]))
        let commit = ConsensusMessage.commit(vote).signingDigest(chainID: Cluster.chainID, genesisHash: Cluster.genesisHash)
        let prepare = ConsensusMessage.prepare(vote).signingDigest(chainID: Cluster.chainID, genesisHash: Cluster.genesisHash)
        #expect(commit == VoteDigest.compute(
            kind: .commit, chainID: Cluster.chainID, genesisHash: Cluster.genesisHash, view: 3, height: 9, digest: vote.blockHash))
        #expect(commit != prepare)
    }
}
