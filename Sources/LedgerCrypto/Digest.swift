/// A SHA-256 digest: 32 bytes held inline as four big-endian words, so digests are
/// cheap to copy, compare and hash (no heap allocation per digest).
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let zero = Digest(words: (0, 0, 0, 0))

    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    /// Exactly 32 bytes, or nil.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Digest.byteCount else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (offset, byte) in bytes.enumerated() {
            words[offset / 8] = words[offset / 8] << 8 | UInt64(byte)
        }
        self.init(words: (words[0], words[1], words[2], words[3]))
    }

    /// Exactly 64 lowercase or uppercase hex characters, or nil.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// Exactly 32 bytes; the caller guarantees the count.
    public init(unsafeBytes pointer: UnsafeRawBufferPointer) {
        precondition(pointer.count == Digest.byteCount, "a SHA-256 digest is 32 bytes")
        func word(_ index: Int) -> UInt64 {
            UInt64(bigEndian: pointer.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        self.init(words: (word(0), word(1), word(2), word(3)))
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Digest.byteCount)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    /// Calls `body` with the 32 digest bytes in order, without allocating.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words) { try body($0) }
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    /// The first 8 bytes in hex: enough to tell digests apart in a log line.
    public var shortHex: String { String(hex.prefix(16)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}

/// Lowercase hex, strict on input.
public enum Hex {
    private static let alphabet = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for byte in bytes {
            out.append(alphabet[Int(byte >> 4)])
            out.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil unless the string is an even number of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Digest {
    /// Bit `index` (0 = the most significant bit of the first byte).
    @inlinable
    public func bit(_ index: Int) -> Bool {
        precondition(index >= 0 && index < 256, "a digest has 256 bits")
        let word: UInt64
        switch index >> 6 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return (word >> UInt64(63 - index & 63)) & 1 == 1
    }

    /// The index of the first bit where two digests differ, or nil when equal.
    public func firstDifferingBit(from other: Digest) -> Int? {
        if w0 != other.w0 { return (w0 ^ other.w0).leadingZeroBitCount }
        if w1 != other.w1 { return 64 + (w1 ^ other.w1).leadingZeroBitCount }
        if w2 != other.w2 { return 128 + (w2 ^ other.w2).leadingZeroBitCount }
        if w3 != other.w3 { return 192 + (w3 ^ other.w3).leadingZeroBitCount }
        return nil
    }
}
