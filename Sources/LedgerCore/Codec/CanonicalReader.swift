import LedgerCrypto

/// Reads GreenLedger's canonical binary form strictly: every read checks the bytes remain,
/// every length is checked against its field's bound before anything is allocated, and
/// any value with more than one possible encoding is refused.
public struct CanonicalReader: Sendable {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    /// Calls `body` with the bytes read from offset `start` up to the current offset.
    public func withBytes<Result>(from start: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        precondition(start >= 0 && start <= offset, "withBytes(from:) past the bytes read")
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<offset])) }
    }

    /// Throws unless every byte was consumed.
    public func finish() throws(CodecError) {
        guard isAtEnd else { throw .trailingBytes(count: remaining) }
    }

    public mutating func readUInt8(_ field: String) throws(CodecError) -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16(_ field: String) throws(CodecError) -> UInt16 { try readBigEndian(field) }
    public mutating func readUInt32(_ field: String) throws(CodecError) -> UInt32 { try readBigEndian(field) }
    public mutating func readUInt64(_ field: String) throws(CodecError) -> UInt64 { try readBigEndian(field) }
    public mutating func readInt64(_ field: String) throws(CodecError) -> Int64 {
        Int64(bitPattern: try readBigEndian(field) as UInt64)
    }

    public mutating func readBool(_ field: String) throws(CodecError) -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        case let other: throw .nonCanonical(field: field, reason: "a bool is 0 or 1, got \(other)")
        }
    }

    public mutating func readFixed(_ count: Int, _ field: String) throws(CodecError) -> [UInt8] {
        try require(count, field)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    public mutating func readDigest(_ field: String) throws(CodecError) -> Digest {
        try require(Digest.byteCount, field)
        defer { offset += Digest.byteCount }
        return bytes.withUnsafeBytes { Digest(unsafeBytes: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + Digest.byteCount])) }
    }

    /// A u32 length (checked against `maximum` first), then that many bytes.
    public mutating func readVariable(maximum: Int, _ field: String) throws(CodecError) -> [UInt8] {
        let length = try readLength(maximum: maximum, field)
        return try readFixed(length, field)
    }

    /// UTF-8 text; invalid UTF-8 is refused (it has no canonical `String`).
    public mutating func readString(maximum: Int, _ field: String) throws(CodecError) -> String {
        let raw = try readVariable(maximum: maximum, field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw .nonCanonical(field: field, reason: "not valid UTF-8")
        }
        return text
    }

    /// A u32 element count (checked against `maximum`), then the elements.
    public mutating func readArray<Element: CanonicalDecodable>(
        of type: Element.Type, maximum: Int, _ field: String
    ) throws(CodecError) -> [Element] {
        let count = try readLength(maximum: maximum, field)
        var elements: [Element] = []
        // Reserve no more than the remaining bytes could possibly hold.
        elements.reserveCapacity(min(count, remaining))
        for _ in 0..<count { elements.append(try Element(from: &self)) }
        return elements
    }

    public mutating func readOptional<Value: CanonicalDecodable>(_ type: Value.Type, _ field: String) throws(CodecError) -> Value? {
        switch try readUInt8(field) {
        case 0: return nil
        case 1: return try Value(from: &self)
        case let other: throw .nonCanonical(field: field, reason: "an optional's tag is 0 or 1, got \(other)")
        }
    }

    public mutating func read<Value: CanonicalDecodable>(_ type: Value.Type) throws(CodecError) -> Value {
        try Value(from: &self)
    }

    /// A u32 length prefix, bounded by `maximum` and by what is left in the input.
    public mutating func readLength(maximum: Int, _ field: String) throws(CodecError) -> Int {
        let length = try readUInt32(field)
        guard length <= maximum else { throw .lengthTooLarge(field: field, length: UInt64(length), maximum: maximum) }
        return Int(length)
    }

    private func require(_ count: Int, _ field: String) throws(CodecError) {
        guard count <= remaining else { throw .truncated(field: field, needed: count, remaining: remaining) }
    }

    private mutating func readBigEndian<Integer: FixedWidthInteger>(_ field: String) throws(CodecError) -> Integer {
        let size = MemoryLayout<Integer>.size
        try require(size, field)
        defer { offset += size }
        return bytes.withUnsafeBytes { Integer(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: Integer.self)) }
    }
}
