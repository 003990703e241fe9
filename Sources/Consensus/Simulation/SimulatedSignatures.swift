import LedgerCore
import LedgerCrypto

/// A deterministic stand-in for ECDSA: signature = SHA-256(secret ‖ digest) shaped into a
/// canonical (r, s) (r < n, s ≤ n/2 by clearing top bits). The public key is a well-formed
/// compressed encoding derived from the secret; it is never parsed by OpenSSL.
public struct SimulatedSigner: DigestSigner {
    let secret: [UInt8]
    public let publicKey: PublicKey

    public init(label: String) {
        secret = SHA256.hash(Array("GL/sim/secret/\(label)".utf8)).bytes
        publicKey = try! PublicKey(compressed: [0x02] + SHA256.hash(secret).bytes)
    }

    public func sign(digest: Digest) throws(CryptoError) -> Signature {
        try SimulatedSigner.signature(secret: secret, digest: digest)
    }

    static func signature(secret: [UInt8], digest: Digest) throws(CryptoError) -> Signature {
        var r = SHA256.hash(parts: [secret, digest.bytes, [0x72]]).bytes
        var s = SHA256.hash(parts: [secret, digest.bytes, [0x73]]).bytes
        r[0] &= 0x7f
        r[31] |= 1
        s[0] = 0
        s[31] |= 1
        return try Signature(raw: r + s)
    }
}

/// Checks `SimulatedSigner` signatures; knows every simulated secret by public key.
public struct SimulatedVerifier: SignatureVerifier {
    let secrets: [PublicKey: [UInt8]]

    public init(signers: [SimulatedSigner]) {
        var secrets: [PublicKey: [UInt8]] = [:]
        for signer in signers { secrets[signer.publicKey] = signer.secret }
        self.secrets = secrets
    }

    public func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool {
        guard let secret = secrets[publicKey], let expected = try? SimulatedSigner.signature(secret: secret, digest: digest) else {
            return false
        }
        return expected == signature
    }
}
