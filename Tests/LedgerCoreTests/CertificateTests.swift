import LedgerCrypto
import Testing
@testable import LedgerCore

@Suite("Votes and commit certificates")
struct CertificateTests {
    let chainID: Identifier = "test-chain"
    let genesisHash = SHA256.hash(Array("genesis".utf8))
    let blockHash = SHA256.hash(Array("block".utf8))

    func validators(_ count: Int) throws -> ([SigningKey], ValidatorSet) {
        let keys = try (0..<count).map { _ in try SigningKey() }
        return (keys, ValidatorSet(keys: keys.map(\.publicKey)))
    }

    func commit(_ key: SigningKey, index: Int, view: UInt64 = 2, height: UInt64 = 5, kind: VoteKind = .commit) throws -> ValidatorSignature {
        let digest = VoteDigest.compute(kind: kind, chainID: chainID, genesisHash: genesisHash, view: view, height: height, digest: blockHash)
        return ValidatorSignature(validatorIndex: UInt16(index), signature: try key.sign(digest: digest))
    }

    @Test("vote digests differ by kind, chain, genesis, view, height and block")
    func voteDigestDomains() {
        let base = VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: genesisHash, view: 1, height: 1, digest: blockHash)
        let variants = [
            VoteDigest.compute(kind: .prepare, chainID: chainID, genesisHash: genesisHash, view: 1, height: 1, digest: blockHash),
            VoteDigest.compute(kind: .commit, chainID: "other", genesisHash: genesisHash, view: 1, height: 1, digest: blockHash),
            VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: .zero, view: 1, height: 1, digest: blockHash),
            VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: genesisHash, view: 2, height: 1, digest: blockHash),
            VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: genesisHash, view: 1, height: 2, digest: blockHash),
            VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: genesisHash, view: 1, height: 1, digest: .zero),
        ]
        #expect(Set(variants + [base]).count == 7)
    }

    @Test("2f+1 distinct COMMIT signatures make a valid certificate")
    func validCertificate() throws {
        let (keys, set) = try validators(4)
        let certificate = CommitCertificate(view: 2, height: 5, blockHash: blockHash, signatures: try [0, 1, 3].map { try commit(keys[$0], index: $0) })
        try certificate.verify(chainID: chainID, genesisHash: genesisHash, validators: set)
    }

    @Test("2f signatures are not a quorum")
    func tooFewSignatures() throws {
        let (keys, set) = try validators(4)
        let certificate = CommitCertificate(view: 2, height: 5, blockHash: blockHash, signatures: try [0, 1].map { try commit(keys[$0], index: $0) })
        #expect(throws: CertificateError.insufficientSignatures(height: 5, count: 2, quorum: 3)) {
            try certificate.verify(chainID: chainID, genesisHash: genesisHash, validators: set)
        }
    }

    @Test("one validator signing twice counts once")
    func duplicateSigner() throws {
        let (keys, set) = try validators(4)
        let signatures = [try commit(keys[0], index: 0), try commit(keys[0], index: 0), try commit(keys[1], index: 1)]
        let certificate = CommitCertificate(view: 2, height: 5, blockHash: blockHash, signatures: signatures)
        #expect(throws: CertificateError.duplicateSigner(height: 5, index: 0)) {
            try certificate.verify(chainID: chainID, genesisHash: genesisHash, validators: set)
        }
    }

    @Test("PREPARE signatures, other views and non-validator keys are not COMMITs")
    func wrongSignatures() throws {
        let (keys, set) = try validators(4)
        let stranger = try SigningKey()
        let cases: [[ValidatorSignature]] = [
            [try commit(keys[0], index: 0), try commit(keys[1], index: 1), try commit(keys[2], index: 2, kind: .prepare)],
            [try commit(keys[0], index: 0), try commit(keys[1], index: 1), try commit(keys[2], index: 2, view: 3)],
            [try commit(keys[0], index: 0), try commit(keys[1], index: 1), try commit(keys[2], index: 2, height: 6)],
            [try commit(keys[0], index: 0), try commit(keys[1], index: 1), try commit(stranger, index: 2)],
        ]
        for signatures in cases {
            let certificate = CommitCertificate(view: 2, height: 5, blockHash: blockHash, signatures: signatures)
            #expect(throws: CertificateError.invalidSignature(height: 5, index: 2)) {
                try certificate.verify(chainID: chainID, genesisHash: genesisHash, validators: set)
            }
        }
        let outOfRange = CommitCertificate(view: 2, height: 5, blockHash: blockHash, signatures: [try commit(stranger, index: 9)])
        #expect(throws: CertificateError.unknownValidator(height: 5, index: 9)) {
            try outOfRange.verify(chainID: chainID, genesisHash: genesisHash, validators: set)
        }
    }

    @Test("a block's digest does not depend on the view it was committed in")
    func digestExcludesView() throws {
        let ledger = try TestLedger()
        let block = ledger.block([try ledger.transaction("bank", ledger.transfer(to: "fund", 1))])
        let again = Block(header: block.header, transactions: block.transactions)
        #expect(again.hash == block.hash)
        #expect(block.hash == SHA256.hash(block.header.canonicalBytes))
    }
}
