import COpenSSL

/// A P-256 private key held by OpenSSL. It never leaves the process except as the
/// PKCS#8 PEM its owner asks for.
public final class SigningKey: DigestSigner, @unchecked Sendable {
    private let key: OpenSSLKeyBox
    public let publicKey: PublicKey

    /// A fresh key from OpenSSL's CSPRNG.
    public init() throws(CryptoError) {
        guard let pkey = gl_generate_p256() else { throw openSSLFailure("EVP_PKEY_Q_keygen(EC, P-256)") }
        key = OpenSSLKeyBox(pkey)
        publicKey = try PublicKey(parsed: key)
    }

    /// A `-----BEGIN PRIVATE KEY-----` (PKCS#8) or `BEGIN EC PRIVATE KEY` document.
    /// Encrypted keys are refused rather than prompting for a passphrase.
    public init(pem: String) throws(CryptoError) {
        key = try MemoryBIO.reading(Array(pem.utf8)) { (bio) throws(CryptoError) -> OpenSSLKeyBox in
            guard let pkey = gl_read_private_key_pem(bio) else {
                throw CryptoError.malformedKey(
                    reason: "not an unencrypted PEM private key (\(drainOpenSSLErrors()))")
            }
            return OpenSSLKeyBox(pkey)
        }
        publicKey = try PublicKey(parsed: key)
    }

    /// PKCS#8 PEM, unencrypted: protect the file (the CLI writes it with mode 0600).
    public var pkcs8PEM: String {
        get throws(CryptoError) {
            let bytes = try MemoryBIO.writing(
                { PEM_write_bio_PKCS8PrivateKey($0, key.pointer, nil, nil, 0, nil, nil) },
                operation: "PEM_write_bio_PKCS8PrivateKey")
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The OpenSSL key, for operations in this module that sign other structures with it.
    var keyPointer: OpaquePointer { key.pointer }

    /// Signs a 32-byte digest; the result is always low-S.
    public func sign(digest: Digest) throws(CryptoError) -> Signature {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1 else { throw openSSLFailure("EVP_PKEY_sign_init") }
        var der = [UInt8](repeating: 0, count: 80)
        var length = der.count
        let status = digest.withUnsafeBytes { digestBuffer in
            EVP_PKEY_sign(
                context, &der, &length, digestBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), digestBuffer.count)
        }
        guard status == 1 else { throw openSSLFailure("EVP_PKEY_sign") }
        return try Signature(derEncoded: Array(der[0..<length]))
    }

    /// Signs SHA-256(message), as `openssl dgst -sha256 -sign` does.
    public func sign(message: [UInt8]) throws(CryptoError) -> Signature {
        try sign(digest: SHA256.hash(message))
    }
}
