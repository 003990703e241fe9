import COpenSSL

/// Owns one `EVP_PKEY` and frees it. OpenSSL keys are safe to share for concurrent
/// signing and verification as long as nobody mutates them, and nothing here does.
final class OpenSSLKeyBox: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// The uncompressed SEC1 point (0x04 ‖ X ‖ Y) of this P-256 key.
    func uncompressedPoint() throws(CryptoError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65)
        var length = 0
        guard EVP_PKEY_get_octet_string_param(pointer, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, &buffer, buffer.count, &length) == 1,
            length == 65, buffer[0] == 0x04
        else { throw openSSLFailure("EVP_PKEY_get_octet_string_param(encoded-pub-key)") }
        return buffer
    }

    /// Throws unless this is an elliptic-curve key on P-256.
    func requireP256() throws(CryptoError) {
        guard EVP_PKEY_is_a(pointer, "EC") == 1 else {
            throw .unsupportedKey(reason: "the key is not an elliptic-curve key; GreenLedger uses ECDSA P-256")
        }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(pointer, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length) == 1 else {
            throw openSSLFailure("EVP_PKEY_get_utf8_string_param(group)")
        }
        let group = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        guard group == "prime256v1" || group == "P-256" || group == "secp256r1" else {
            throw .unsupportedKey(reason: "the key is on curve \(group); GreenLedger uses P-256")
        }
    }
}

/// Memory BIO helpers for PEM and DER in and out.
enum MemoryBIO {
    static func reading<Result>(_ bytes: [UInt8], _ body: (OpaquePointer) throws(CryptoError) -> Result) throws(CryptoError) -> Result {
        let bio: OpaquePointer? = bytes.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let bio else { throw openSSLFailure("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        // The BIO points into `bytes`, which the caller keeps alive for this call.
        return try withExtendedLifetime(bytes) { () throws(CryptoError) -> Result in try body(bio) }
    }

    static func writing(_ body: (OpaquePointer) -> Int32, operation: String) throws(CryptoError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw openSSLFailure("BIO_new") }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw openSSLFailure(operation) }
        var contents: UnsafeMutablePointer<CChar>? = nil
        let length = gl_bio_mem_contents(bio, &contents)
        guard length > 0, let contents else { throw openSSLFailure(operation) }
        return Array(UnsafeRawBufferPointer(start: contents, count: length))
    }
}
