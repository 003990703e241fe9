import COpenSSL

/// Every failure of the crypto layer, with enough words for a person to act on it.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// OpenSSL refused an operation; `reason` is its error queue, drained.
    case openSSL(operation: String, reason: String)
    /// Public key bytes that are not a P-256 point in the expected encoding.
    case invalidPublicKey(reason: String)
    /// A key file or key bytes that could not be parsed.
    case malformedKey(reason: String)
    /// A key of another algorithm or curve than ECDSA P-256.
    case unsupportedKey(reason: String)
    /// Signature bytes that are not 64 bytes of r‖s with 0 < r, s < n.
    case malformedSignature(reason: String)
    /// A signature whose s is above n/2: its low-S twin is the only accepted form.
    case nonCanonicalSignature
    /// A well-formed signature that does not verify for this key and digest.
    case signatureMismatch

    public var description: String {
        switch self {
        case .openSSL(let operation, let reason): "OpenSSL failed in \(operation): \(reason)"
        case .invalidPublicKey(let reason): "invalid public key: \(reason)"
        case .malformedKey(let reason): "malformed key: \(reason)"
        case .unsupportedKey(let reason): "unsupported key: \(reason)"
        case .malformedSignature(let reason): "malformed signature: \(reason)"
        case .nonCanonicalSignature: "non-canonical signature: s is above n/2 (high-S); only the low-S form is accepted"
        case .signatureMismatch: "signature does not match the key and message"
        }
    }
}

/// Drains this thread's OpenSSL error queue into one line, so no stale error leaks into
/// a later, unrelated call.
func drainOpenSSLErrors() -> String {
    var reasons: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if reasons.count < 4 { reasons.append(text) }
    }
    return reasons.isEmpty ? "no detail from OpenSSL" : reasons.joined(separator: "; ")
}

func openSSLFailure(_ operation: String) -> CryptoError {
    .openSSL(operation: operation, reason: drainOpenSSLErrors())
}
