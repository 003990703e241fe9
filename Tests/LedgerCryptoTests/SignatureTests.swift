import Testing
@testable import LedgerCrypto

@Suite("ECDSA P-256 signatures")
struct SignatureTests {
    let message = Array("transfer 100 EUR to the solar project".utf8)

    @Test("a signature verifies for its key and message")
    func signAndVerify() throws {
        let key = try SigningKey()
        let signature = try key.sign(message: message)
        try key.publicKey.verify(signature, message: message)
        #expect(signature.raw.count == 64)
    }

    @Test("a tampered message is rejected as a mismatch")
    func tamperedMessage() throws {
        let key = try SigningKey()
        let signature = try key.sign(message: message)
        var tampered = message
        tampered[0] ^= 1
        #expect(throws: CryptoError.signatureMismatch) { try key.publicKey.verify(signature, message: tampered) }
    }

    @Test("another key's public key rejects the signature")
    func wrongKey() throws {
        let signature = try SigningKey().sign(message: message)
        let other = try SigningKey()
        #expect(throws: CryptoError.signatureMismatch) { try other.publicKey.verify(signature, message: message) }
    }

    @Test("every signature is low-S, and its high-S twin is rejected as non-canonical")
    func highSTwinRejected() throws {
        let key = try SigningKey()
        for _ in 0..<16 {
            let signature = try key.sign(message: message)
            let s = signature.raw[32..<64]
            #expect(Curve.compare(s, Curve.halfOrder[...]) <= 0)
            #expect(throws: CryptoError.nonCanonicalSignature) { try Signature(raw: signature.highSTwinRaw) }
        }
    }

    @Test("a high-S DER signature is normalized to low-S and still verifies")
    func derNormalization() throws {
        let key = try SigningKey()
        let signature = try key.sign(message: message)
        let twin = signature.highSTwinRaw
        // Build the DER of the high-S twin by hand, as another ECDSA implementation may emit it.
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var trimmed = Array(bytes.drop(while: { $0 == 0 }))
            if trimmed[0] & 0x80 != 0 { trimmed.insert(0, at: 0) }
            return [0x02, UInt8(trimmed.count)] + trimmed
        }
        let body = integer(twin[0..<32]) + integer(twin[32..<64])
        let normalized = try Signature(derEncoded: [0x30, UInt8(body.count)] + body)
        #expect(normalized == signature)
        try key.publicKey.verify(normalized, message: message)
    }

    @Test("truncated, zero and out-of-range signatures are malformed", arguments: [0, 1, 63, 65])
    func truncatedSignature(length: Int) throws {
        let signature = try SigningKey().sign(message: message)
        let bytes = Array((signature.raw + [0]).prefix(length))
        #expect(throws: CryptoError.self) { try Signature(raw: bytes) }
        do {
            _ = try Signature(raw: bytes)
        } catch let error {
            guard case .malformedSignature = error else {
                Issue.record("expected malformedSignature, got \(error)")
                return
            }
        }
    }

    @Test("r or s of zero, or r not below the group order, is malformed")
    func outOfRangeScalars() {
        let zeros = [UInt8](repeating: 0, count: 32)
        let one = [UInt8](repeating: 0, count: 31) + [1]
        for raw in [zeros + one, one + zeros, Curve.order + one] {
            #expect {
                try Signature(raw: raw)
            } throws: { error in
                if case CryptoError.malformedSignature = error { return true }
                return false
            }
        }
    }

    @Test("a DER signature with s at or above the group order is malformed, not a trap")
    func derScalarOutOfRange() {
        func integer(_ bytes: [UInt8]) -> [UInt8] {
            var trimmed = Array(bytes.drop(while: { $0 == 0 }))
            if trimmed.isEmpty { trimmed = [0] }
            if trimmed[0] & 0x80 != 0 { trimmed.insert(0, at: 0) }
            return [0x02, UInt8(trimmed.count)] + trimmed
        }
        let one = [UInt8](repeating: 0, count: 31) + [1]
        var orderPlusOne = Curve.order
        orderPlusOne[31] += 1
        for s in [Curve.order, orderPlusOne, [UInt8](repeating: 0xFF, count: 32), [UInt8](repeating: 0, count: 32)] {
            let body = integer(one) + integer(s)
            #expect {
                try Signature(derEncoded: [0x30, UInt8(body.count)] + body)
            } throws: { error in
                if case CryptoError.malformedSignature = error { return true }
                return false
            }
        }
    }

    @Test("private keys round-trip through PKCS#8 PEM and public keys through SPKI PEM and DER")
    func keyEncodings() throws {
        let key = try SigningKey()
        let pem = try key.pkcs8PEM
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reloaded = try SigningKey(pem: pem)
        #expect(reloaded.publicKey == key.publicKey)
        let signature = try reloaded.sign(message: message)
        try key.publicKey.verify(signature, message: message)

        let publicPEM = try key.publicKey.pem
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try PublicKey(pem: publicPEM) == key.publicKey)
        #expect(try PublicKey(spkiDER: try key.publicKey.spkiDER) == key.publicKey)
        #expect(try PublicKey(hex: key.publicKey.hex) == key.publicKey)
    }

    @Test("malformed PEM, encrypted PEM and garbage DER are refused with malformedKey")
    func malformedKeys() {
        let inputs = [
            "",
            "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nMIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA\n-----END PRIVATE KEY-----\n",
        ]
        for input in inputs {
            #expect {
                try SigningKey(pem: input)
            } throws: { error in
                if case CryptoError.malformedKey = error { return true }
                return false
            }
        }
        #expect {
            try PublicKey(spkiDER: [0x30, 0x03, 0x01, 0x02, 0x03])
        } throws: { error in
            if case CryptoError.malformedKey = error { return true }
            return false
        }
    }

    @Test("compressed public keys must be 33 bytes, start 02 or 03, and lie on the curve")
    func invalidPublicKeys() throws {
        #expect(throws: CryptoError.self) { try PublicKey(compressed: [0x02] + [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try PublicKey(compressed: [0x04] + [UInt8](repeating: 1, count: 32)) }
        // x = 1 is not the x-coordinate of a point on P-256 (x³ − 3x + b has no square root mod p).
        let offCurve = try PublicKey(compressed: [0x02] + [UInt8](repeating: 0, count: 31) + [1])
        #expect {
            try offCurve.validate()
        } throws: { error in
            if case CryptoError.invalidPublicKey = error { return true }
            return false
        }
        let signature = try SigningKey().sign(message: message)
        #expect(!offCurve.isValidSignature(signature, digest: SHA256.hash(message)))
    }

    @Test("the key cache stays within its bound")
    func cacheBound() throws {
        let cache = PublicKeyCache(capacity: 4)
        for _ in 0..<10 {
            let key = try SigningKey()
            _ = try cache.key(for: key.publicKey.compressed)
        }
        #expect(cache.count == 4)
    }

    @Test("addresses are gl + 40 hex digits and parse back")
    func addresses() throws {
        let key = try SigningKey()
        let address = key.publicKey.address
        #expect(address.description.count == 42)
        #expect(Address(text: address.description) == address)
        #expect(Address(text: "gl" + String(repeating: "Z", count: 40)) == nil)
        #expect(Address(text: address.description.uppercased()) == nil)
        #expect(try SigningKey().publicKey.address != address)
    }
}
