import LedgerCrypto
@testable import Node
import Testing

@Suite("The verified-signature cache")
struct VerifiedSignatureCacheTests {
    @Test("valid and invalid answers are each computed once, then answered from the cache; the rings are bounded")
    func remembersBothAnswers() throws {
        let key = try SigningKey()
        let digests = (0..<3).map { SHA256.hash([UInt8($0)]) }
        let signatures = try digests.map { try key.sign(digest: $0) }
        let cache = VerifiedSignatureCache(capacity: 2, invalidCapacity: 1)

        #expect(cache.isValidSignature(signatures[0], digest: digests[0], publicKey: key.publicKey))
        #expect(cache.isValidSignature(signatures[0], digest: digests[0], publicKey: key.publicKey))
        #expect(cache.verificationCount == 1 && cache.hitCount == 1)

        // A signature over another digest is invalid, and stays invalid from the cache.
        #expect(!cache.isValidSignature(signatures[1], digest: digests[0], publicKey: key.publicKey))
        #expect(!cache.isValidSignature(signatures[1], digest: digests[0], publicKey: key.publicKey))
        #expect(cache.verificationCount == 2 && cache.hitCount == 2)

        // Two more valid entries push the first out of a ring of two: it is computed again.
        #expect(cache.isValidSignature(signatures[1], digest: digests[1], publicKey: key.publicKey))
        #expect(cache.isValidSignature(signatures[2], digest: digests[2], publicKey: key.publicKey))
        #expect(cache.count == 2)
        #expect(cache.isValidSignature(signatures[0], digest: digests[0], publicKey: key.publicKey))
        #expect(cache.verificationCount == 5)
    }
}
