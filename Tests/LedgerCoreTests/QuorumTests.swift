import LedgerCrypto
import Testing
@testable import LedgerCore

/// The quorum for every n is ⌈(n + f + 1) / 2⌉: two quorums share f + 1 validators (one honest),
/// and the n − f honest validators alone still make one.
@Suite("Quorum arithmetic")
struct QuorumTests {
    func set(_ count: Int) throws -> ValidatorSet {
        // The arithmetic reads only the count; one real key repeated keeps this fast.
        let key = try SigningKey().publicKey
        return ValidatorSet(keys: Array(repeating: key, count: count))
    }

    @Test("the quorum is 2f+1 for n = 3f+1 and larger for every other n")
    func knownValues() throws {
        let expected: [Int: (f: Int, q: Int)] = [
            1: (0, 1), 2: (0, 2), 3: (0, 2), 4: (1, 3), 5: (1, 4), 6: (1, 4), 7: (2, 5), 8: (2, 6), 10: (3, 7), 100: (33, 67),
        ]
        for (count, values) in expected {
            let validators = try set(count)
            #expect(validators.faultsTolerated == values.f, "n = \(count)")
            #expect(validators.quorum == values.q, "n = \(count)")
        }
    }

    @Test("any two quorums intersect in f+1 validators and the honest ones alone form a quorum, n = 1…256")
    func intersection() throws {
        for count in 1...Limits.validatorsMax {
            let validators = try set(count)
            let f = validators.faultsTolerated
            let q = validators.quorum
            #expect(2 * q - count >= f + 1, "n = \(count): quorums of \(q) may share fewer than f + 1 = \(f + 1)")
            #expect(count - f >= q, "n = \(count): \(count - f) honest validators cannot reach \(q)")
        }
    }

    @Test("with 6 validators half of them cannot certify a block")
    func sixValidatorsHalfIsNoQuorum() throws {
        let chainID: Identifier = "test-chain"
        let genesisHash = SHA256.hash(Array("genesis".utf8))
        let blockHash = SHA256.hash(Array("block".utf8))
        let keys = try (0..<6).map { _ in try SigningKey() }
        let validators = ValidatorSet(keys: keys.map(\.publicKey))
        func signatures(_ indices: [Int]) throws -> [ValidatorSignature] {
            let digest = VoteDigest.compute(kind: .commit, chainID: chainID, genesisHash: genesisHash, view: 0, height: 1, digest: blockHash)
            return try indices.map { ValidatorSignature(validatorIndex: UInt16($0), signature: try keys[$0].sign(digest: digest)) }
        }
        let half = CommitCertificate(view: 0, height: 1, blockHash: blockHash, signatures: try signatures([3, 4, 5]))
        #expect(throws: CertificateError.insufficientSignatures(height: 1, count: 3, quorum: 4)) {
            try half.verify(chainID: chainID, genesisHash: genesisHash, validators: validators)
        }
        let quorum = CommitCertificate(view: 0, height: 1, blockHash: blockHash, signatures: try signatures([0, 1, 2, 5]))
        try quorum.verify(chainID: chainID, genesisHash: genesisHash, validators: validators)
    }

    @Test("fewer than 4 validators are warned about, 4 or more are not")
    func toleranceWarning() throws {
        for count in 1...3 { #expect(try set(count).toleranceWarning != nil) }
        #expect(try set(4).toleranceWarning == nil)
        #expect(try set(6).toleranceSummary == "6 validators: quorum 4, tolerates 1 faulty")
    }
}
