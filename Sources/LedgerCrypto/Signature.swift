import COpenSSL

/// An ECDSA P-256 signature in GreenLedger's one canonical form: 64 bytes, r ‖ s, each a
/// 32-byte big-endian integer with 0 < r < n and 0 < s ≤ n/2 (low-S). Because (r, n−s) is
/// also a valid ECDSA signature, accepting only low-S means no valid signature can be
/// malleated into a second valid one with different bytes (and a different transaction id).
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 64
    public let raw: [UInt8]

    /// The bytes in one call: the synthesized hash feeds an array to the hasher byte by byte,
    /// which showed in the profile of every set and dictionary keyed by keys and signatures.
    public func hash(into hasher: inout Hasher) {
        raw.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Strict: rejects a wrong length, r or s out of range, and high-S.
    public init(raw bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == Signature.byteCount else {
            throw .malformedSignature(reason: "a signature is 64 bytes (r ‖ s), got \(bytes.count)")
        }
        let array = Array(bytes)
        let r = array[0..<32]
        let s = array[32..<64]
        guard !Curve.isZero(r), Curve.compare(r, Curve.order[...]) < 0 else {
            throw .malformedSignature(reason: "r is not in 1..<n")
        }
        guard !Curve.isZero(s), Curve.compare(s, Curve.order[...]) < 0 else {
            throw .malformedSignature(reason: "s is not in 1..<n")
        }
        guard Curve.compare(s, Curve.halfOrder[...]) <= 0 else { throw .nonCanonicalSignature }
        raw = array
    }

    /// A DER `ECDSA-Sig-Value` (what OpenSSL and the `openssl` tool produce), normalized to
    /// low-S: DER is an interchange format; the raw low-S form is what the ledger stores.
    public init(derEncoded der: [UInt8]) throws(CryptoError) {
        let (r, s) = try der.withUnsafeBufferPointer { (buffer) throws(CryptoError) -> ([UInt8], [UInt8]) in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let signature = d2i_ECDSA_SIG(nil, &cursor, buffer.count) else {
                throw CryptoError.malformedSignature(reason: "not a DER ECDSA signature (\(drainOpenSSLErrors()))")
            }
            defer { ECDSA_SIG_free(signature) }
            guard cursor == buffer.baseAddress.map({ $0 + buffer.count }) else {
                throw CryptoError.malformedSignature(reason: "trailing bytes after the DER signature")
            }
            var rNumber: OpaquePointer? = nil
            var sNumber: OpaquePointer? = nil
            ECDSA_SIG_get0(signature, &rNumber, &sNumber)
            var rBytes = [UInt8](repeating: 0, count: 32)
            var sBytes = [UInt8](repeating: 0, count: 32)
            guard BN_bn2binpad(rNumber, &rBytes, 32) == 32, BN_bn2binpad(sNumber, &sBytes, 32) == 32 else {
                throw CryptoError.malformedSignature(reason: "r or s is longer than 32 bytes (\(drainOpenSSLErrors()))")
            }
            return (rBytes, sBytes)
        }
        // Checked before the low-S step: n − s is defined only for s < n (s ≥ n trapped here).
        guard !Curve.isZero(s[...]), Curve.compare(s[...], Curve.order[...]) < 0 else {
            throw .malformedSignature(reason: "s is not in 1..<n")
        }
        let lowS = Curve.compare(s[...], Curve.halfOrder[...]) > 0 ? Curve.subtract(Curve.order, s) : s
        try self.init(raw: r + lowS)
    }

    /// The same (r, s) with s replaced by n − s: the high-S twin. Exposed so tests can show
    /// that the twin of a valid signature is rejected.
    public var highSTwinRaw: [UInt8] {
        Array(raw[0..<32]) + Curve.subtract(Curve.order, Array(raw[32..<64]))
    }

    /// DER `SEQUENCE { INTEGER r, INTEGER s }` for OpenSSL's verifier.
    public var derEncoding: [UInt8] {
        let r = Signature.derInteger(raw[0..<32])
        let s = Signature.derInteger(raw[32..<64])
        return [0x30, UInt8(r.count + s.count)] + r + s
    }

    public var hex: String { Hex.encode(raw) }
    public var description: String { hex }

    private static func derInteger(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var trimmed = Array(bytes.drop(while: { $0 == 0 }))
        if trimmed.isEmpty { trimmed = [0] }
        if trimmed[0] & 0x80 != 0 { trimmed.insert(0, at: 0) }
        return [0x02, UInt8(trimmed.count)] + trimmed
    }
}

/// The P-256 group order n, and 32-byte big-endian arithmetic for the low-S rule.
enum Curve {
    static let order: [UInt8] = Hex.decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")!
    static let halfOrder: [UInt8] = Hex.decode("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8")!

    static func isZero(_ value: ArraySlice<UInt8>) -> Bool { value.allSatisfy { $0 == 0 } }

    /// Compares two equal-length big-endian integers.
    static func compare(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Int {
        precondition(lhs.count == rhs.count)
        for (left, right) in zip(lhs, rhs) where left != right { return left < right ? -1 : 1 }
        return 0
    }

    /// lhs − rhs for 32-byte big-endian integers with lhs ≥ rhs.
    static func subtract(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        precondition(lhs.count == 32 && rhs.count == 32)
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in stride(from: 31, through: 0, by: -1) {
            var difference = Int(lhs[index]) - Int(rhs[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[index] = UInt8(difference)
        }
        precondition(borrow == 0, "subtract underflow")
        return result
    }
}
