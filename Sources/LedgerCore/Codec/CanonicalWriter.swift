import LedgerCrypto

/// Appends values in GreenLedger's canonical binary form: fixed-width big-endian integers,
/// u32 length prefixes, no optional padding, exactly one encoding per value. The reader
/// enforces the same rules, so `decode(encode(x)) == x` and `encode(decode(b)) == b`.
public struct CanonicalWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt16) { writeBigEndian(value) }
    public mutating func write(_ value: UInt32) { writeBigEndian(value) }
    public mutating func write(_ value: UInt64) { writeBigEndian(value) }
    public mutating func write(_ value: Int64) { writeBigEndian(UInt64(bitPattern: value)) }
    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Bytes whose length both sides know (digests, keys, signatures): no prefix.
    public mutating func writeFixed(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    public mutating func write(_ digest: Digest) { digest.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    /// A u32 length prefix, then the bytes. `maximum` is the same bound the reader applies:
    /// writing more is a programming error, caught here rather than on every other replica.
    public mutating func writeVariable(_ value: [UInt8], maximum: Int) {
        precondition(value.count <= maximum, "encoding \(value.count) bytes above the field maximum \(maximum)")
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// UTF-8 bytes with a u32 length prefix.
    public mutating func write(_ text: String, maximum: Int) {
        writeVariable(Array(text.utf8), maximum: maximum)
    }

    /// A u32 count, then each element.
    public mutating func write<Element: CanonicalEncodable>(_ elements: [Element], maximum: Int) {
        precondition(elements.count <= maximum, "encoding \(elements.count) elements above the field maximum \(maximum)")
        write(UInt32(elements.count))
        for element in elements { element.encode(to: &self) }
    }

    /// 0 for nil, 1 then the value.
    public mutating func write<Value: CanonicalEncodable>(_ value: Value?) {
        if let value {
            write(UInt8(1))
            value.encode(to: &self)
        } else {
            write(UInt8(0))
        }
    }

    public mutating func write<Value: CanonicalEncodable>(_ value: Value) { value.encode(to: &self) }

    private mutating func writeBigEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
