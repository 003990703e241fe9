@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Rules the mutation run found no test for: votes for different digests never add up, and a
/// VIEW-CHANGE's certificates are verified before it counts.
@Suite("Vote counting")
struct VoteCountingTests {
    @Test("COMMITs for different digests of one view and height never add up to a certificate")
    func commitsPerDigest() {
        let cluster = Cluster()
        var replica = cluster.replicas[1]
        let a = SHA256.hash([1])
        let b = SHA256.hash([2])
        for (sender, digest) in [(0, a), (2, b), (3, a)] as [(UInt16, Digest)] {
            _ = replica.step(.message(cluster.signed(.commit(Vote(view: 0, height: 1, blockHash: digest)), by: sender)))
        }
        #expect(replica.commitCertificates[1] == nil, "2 COMMITs for A and 1 for B made a certificate")
    }

    @Test("a VIEW-CHANGE whose prepared certificate or checkpoint does not verify is refused")
    func viewChangeCertificatesVerified() {
        let cluster = Cluster()
        var replica = cluster.replicas[1]
        let digest = SHA256.hash([7])
        // Signatures by validators 0 and 2 over a PREPARE of another block: not a certificate for `digest`.
        let wrong = VoteDigest.compute(kind: .prepare, chainID: Cluster.chainID, genesisHash: Cluster.genesisHash, view: 0, height: 1, digest: SHA256.hash([8]))
        let forged = PreparedCertificate(view: 0, height: 1, blockHash: digest, signatures: [0, 2, 3].map { index in
            ValidatorSignature(validatorIndex: index, signature: try! cluster.signers[Int(index)].sign(digest: wrong))
        })
        _ = replica.step(.message(cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: nil, prepared: [forged])), by: 3)))
        #expect(replica.counters.dropped(.invalidContent) == 1)
        #expect(replica.viewChanges[1]?[3] == nil)
        let checkpoint = CheckpointCertificate(
            checkpoint: Checkpoint(height: 2, blockHash: digest, stateRoot: digest),
            signatures: [ValidatorSignature(validatorIndex: 0, signature: try! cluster.signers[0].sign(digest: wrong))])
        _ = replica.step(.message(cluster.signed(.viewChange(ViewChange(newView: 1, checkpoint: checkpoint, prepared: [])), by: 2)))
        #expect(replica.counters.dropped(.invalidContent) == 2)
        #expect(replica.viewChanges[1]?[2] == nil)
    }
}
