/// Something that signs digests for one public key. The node uses `SigningKey`; the
/// consensus simulation plugs in a seeded deterministic signer, because OpenSSL 3.0's
/// ECDSA signatures are randomized and a simulation must replay bit for bit.
public protocol DigestSigner: Sendable {
    var publicKey: PublicKey { get }
    func sign(digest: Digest) throws(CryptoError) -> Signature
}

/// Checks signatures. `P256Verifier` checks real ECDSA; a simulation may substitute its
/// deterministic twin of `DigestSigner`.
public protocol SignatureVerifier: Sendable {
    func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool
}

/// Real ECDSA P-256 verification through OpenSSL.
public struct P256Verifier: SignatureVerifier {
    public init() {}

    public func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool {
        publicKey.isValidSignature(signature, digest: digest)
    }
}
