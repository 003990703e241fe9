/// An account address: the first 20 bytes of SHA-256("GL/addr" ‖ compressed public key),
/// written `gl` followed by 40 lowercase hex digits. The domain prefix keeps an address
/// from ever equalling some other digest of the same key.
public struct Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let byteCount = 20
    public static let textPrefix = "gl"
    public let bytes: [UInt8]

    /// The bytes in one call: the synthesized hash feeds an array to the hasher byte by byte,
    /// which showed in the profile of every set and dictionary keyed by keys and signatures.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public init(publicKey: PublicKey) {
        let digest = SHA256.hash(parts: [Array("GL/addr".utf8), publicKey.compressed])
        bytes = Array(digest.bytes.prefix(Address.byteCount))
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == Address.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Parses `gl` + 40 lowercase hex digits.
    public init?(text: String) {
        guard text.hasPrefix(Address.textPrefix), text.utf8.count == Address.textPrefix.utf8.count + 40 else { return nil }
        let hex = String(text.dropFirst(Address.textPrefix.count))
        guard hex == hex.lowercased(), let bytes = Hex.decode(hex) else { return nil }
        self.bytes = bytes
    }

    public var description: String { Address.textPrefix + Hex.encode(bytes) }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
