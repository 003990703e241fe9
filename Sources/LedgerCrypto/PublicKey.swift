import COpenSSL

/// A P-256 public key in its canonical form: the 33-byte compressed SEC1 point.
/// Cheap to copy, compare and encode; parsed into an OpenSSL key only when a signature
/// is checked (through `PublicKeyCache`).
public struct PublicKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let byteCount = 33
    public let compressed: [UInt8]

    /// The bytes in one call: the synthesized hash feeds an array to the hasher byte by byte,
    /// which showed in the profile of every set and dictionary keyed by keys and signatures.
    public func hash(into hasher: inout Hasher) {
        compressed.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Accepts exactly 33 bytes starting 0x02 or 0x03. Whether the point is on the curve
    /// is checked when the key is first parsed (`validate()` or any verification).
    public init(compressed bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == PublicKey.byteCount else {
            throw .invalidPublicKey(reason: "a compressed P-256 key is 33 bytes, got \(bytes.count)")
        }
        let array = Array(bytes)
        guard array[0] == 0x02 || array[0] == 0x03 else {
            throw .invalidPublicKey(reason: "a compressed point starts with 0x02 or 0x03, got 0x\(Hex.encode([array[0]]))")
        }
        compressed = array
    }

    /// The key as 66 hex characters.
    public init(hex: String) throws(CryptoError) {
        guard let bytes = Hex.decode(hex) else { throw .invalidPublicKey(reason: "not hex: \(hex.prefix(80))") }
        try self.init(compressed: bytes)
    }

    /// A SubjectPublicKeyInfo in DER.
    public init(spkiDER der: [UInt8]) throws(CryptoError) {
        let key = try der.withUnsafeBufferPointer { (buffer) throws(CryptoError) -> OpenSSLKeyBox in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let pkey = d2i_PUBKEY(nil, &cursor, buffer.count) else {
                throw CryptoError.malformedKey(reason: "not a DER SubjectPublicKeyInfo (\(drainOpenSSLErrors()))")
            }
            let box = OpenSSLKeyBox(pkey)
            guard cursor == buffer.baseAddress.map({ $0 + buffer.count }) else {
                throw CryptoError.malformedKey(reason: "trailing bytes after the DER public key")
            }
            return box
        }
        try self.init(parsed: key)
    }

    /// A `-----BEGIN PUBLIC KEY-----` PEM document.
    public init(pem: String) throws(CryptoError) {
        let key = try MemoryBIO.reading(Array(pem.utf8)) { (bio) throws(CryptoError) -> OpenSSLKeyBox in
            guard let pkey = gl_read_public_key_pem(bio) else {
                throw CryptoError.malformedKey(reason: "not a PEM public key (\(drainOpenSSLErrors()))")
            }
            return OpenSSLKeyBox(pkey)
        }
        try self.init(parsed: key)
    }

    init(parsed key: OpenSSLKeyBox) throws(CryptoError) {
        try key.requireP256()
        let point = try key.uncompressedPoint()
        let prefix: UInt8 = (point[64] & 1) == 0 ? 0x02 : 0x03
        try self.init(compressed: [prefix] + point[1...32])
        PublicKeyCache.shared.insert(key, for: compressed)
    }

    /// Parses the point, proving it lies on P-256.
    public func validate() throws(CryptoError) {
        _ = try PublicKeyCache.shared.key(for: compressed)
    }

    public var hex: String { Hex.encode(compressed) }
    public var description: String { hex }

    public var spkiDER: [UInt8] {
        get throws(CryptoError) {
            let key = try PublicKeyCache.shared.key(for: compressed)
            var output: UnsafeMutablePointer<UInt8>? = nil
            let length = i2d_PUBKEY(key.pointer, &output)
            guard length > 0, let output else { throw openSSLFailure("i2d_PUBKEY") }
            defer { gl_openssl_free(output) }
            return Array(UnsafeBufferPointer(start: output, count: Int(length)))
        }
    }

    public var pem: String {
        get throws(CryptoError) {
            let key = try PublicKeyCache.shared.key(for: compressed)
            let bytes = try MemoryBIO.writing({ PEM_write_bio_PUBKEY($0, key.pointer) }, operation: "PEM_write_bio_PUBKEY")
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The account address: a digest of this key (see `Address`).
    public var address: Address { Address(publicKey: self) }

    /// Throws unless `signature` is a canonical signature of `digest` by this key.
    public func verify(_ signature: Signature, digest: Digest) throws(CryptoError) {
        let cache = VerifyContextCache.current
        let context = try cache.context(for: compressed)
        let der = signature.derEncoding
        let result = der.withUnsafeBufferPointer { signatureBuffer in
            digest.withUnsafeBytes { digestBuffer in
                EVP_PKEY_verify(
                    context, signatureBuffer.baseAddress, signatureBuffer.count,
                    digestBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self), digestBuffer.count)
            }
        }
        guard result == 1 else {
            _ = drainOpenSSLErrors()
            cache.discard(compressed)
            throw .signatureMismatch
        }
    }

    /// Verifies a signature over a whole message (SHA-256 of it), as `openssl dgst -sha256 -verify` does.
    public func verify(_ signature: Signature, message: [UInt8]) throws(CryptoError) {
        try verify(signature, digest: SHA256.hash(message))
    }

    public func isValidSignature(_ signature: Signature, digest: Digest) -> Bool {
        do { try verify(signature, digest: digest); return true } catch { return false }
    }

    public static func < (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.compressed.lexicographicallyPrecedes(rhs.compressed)
    }
}
