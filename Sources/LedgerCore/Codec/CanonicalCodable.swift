import LedgerCrypto

/// A value with one canonical byte encoding: the bytes that are signed and hashed.
/// JSON exists only for people; it is never signed or hashed.
public protocol CanonicalEncodable {
    func encode(to writer: inout CanonicalWriter)
}

/// A value decodable from canonical bytes. Decoding is total: any input either yields a
/// value whose encoding is exactly the bytes read, or throws a `CodecError`.
public protocol CanonicalDecodable {
    init(from reader: inout CanonicalReader) throws(CodecError)
}

public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

extension CanonicalEncodable {
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension CanonicalDecodable {
    /// Decodes one whole value: trailing bytes are an error.
    public init(canonicalBytes bytes: [UInt8]) throws(CodecError) {
        var reader = CanonicalReader(bytes)
        self = try Self(from: &reader)
        try reader.finish()
    }
}

extension Digest: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(self) }
    public init(from reader: inout CanonicalReader) throws(CodecError) { self = try reader.readDigest("digest") }
}

extension PublicKey: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.writeFixed(compressed) }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let bytes = try reader.readFixed(PublicKey.byteCount, "public key")
        do { self = try PublicKey(compressed: bytes) } catch {
            throw .invalidValue(field: "public key", reason: error.description)
        }
    }
}

extension Signature: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.writeFixed(raw) }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let bytes = try reader.readFixed(Signature.byteCount, "signature")
        do { self = try Signature(raw: bytes) } catch {
            throw .nonCanonical(field: "signature", reason: error.description)
        }
    }
}

extension Address: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.writeFixed(bytes) }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        self = Address(bytes: try reader.readFixed(Address.byteCount, "address"))!
    }
}
