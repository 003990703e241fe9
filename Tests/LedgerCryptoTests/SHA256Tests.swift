import Testing
@testable import LedgerCrypto

@Suite("SHA-256 through EVP")
struct SHA256Tests {
    @Test("known-answer vectors from FIPS 180-2", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownAnswers(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test("one million 'a' hashed in parts equals the FIPS vector")
    func millionA() {
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000)
        let digest = SHA256.hash { update in
            chunk.withUnsafeBytes { buffer in
                for _ in 0..<100 { update(buffer) }
            }
        }
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == digest)
    }

    @Test("hashing parts equals hashing their concatenation")
    func partsEqualConcatenation() {
        let parts: [[UInt8]] = [Array("GL/".utf8), [], Array("v1".utf8), [0, 1, 2]]
        #expect(SHA256.hash(parts: parts) == SHA256.hash(parts.flatMap { $0 }))
    }

    @Test("digests round-trip through bytes and hex, and order as their bytes do")
    func digestRepresentations() {
        let a = SHA256.hash(Array("a".utf8))
        let b = SHA256.hash(Array("b".utf8))
        #expect(Digest(bytes: a.bytes) == a)
        #expect(Digest(hex: a.hex) == a)
        #expect(Digest(hex: "zz") == nil)
        #expect(Digest(bytes: [1, 2, 3]) == nil)
        #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes))
    }

    @Test("bit access and the first differing bit agree with the bytes")
    func bits() throws {
        let zero = Digest.zero
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[9] = 0b0010_0000
        let other = try #require(Digest(bytes: bytes))
        #expect(zero.firstDifferingBit(from: other) == 74)
        #expect(other.bit(74))
        #expect(!other.bit(73))
        #expect(zero.firstDifferingBit(from: zero) == nil)
    }

    @Test("hashing on many threads at once gives the same digests")
    func concurrentHashing() async {
        let message = [UInt8](repeating: 7, count: 250)
        let expected = SHA256.hash(message)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).allSatisfy { _ in SHA256.hash(message) == expected } }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(results)
    }
}
