/// An ASCII identifier (chain, project, bond, currency): 1…64 characters from
/// `A–Z a–z 0–9 . _ : -`. Restricting to ASCII means every replica compares identifiers
/// byte for byte, never through Unicode canonical equivalence.
public struct Identifier: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(_ value: String) throws(LedgerError) {
        guard Identifier.isValid(value) else {
            throw .invalidField(
                field: "identifier",
                reason: "\"\(value.prefix(80))\" must be 1…\(Limits.identifierLengthMaxBytes) characters of A–Z a–z 0–9 . _ : -")
        }
        self.value = value
    }

    /// For literals in code and tests only: an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        precondition(Identifier.isValid(value), "invalid identifier literal \(value)")
        self.value = value
    }

    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= Limits.identifierLengthMaxBytes else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    public var description: String { value }

    /// Byte order, identical on every replica.
    public static func < (lhs: Identifier, rhs: Identifier) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }
}

extension Identifier: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(value, maximum: Limits.identifierLengthMaxBytes)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let text = try reader.readString(maximum: Limits.identifierLengthMaxBytes, "identifier")
        guard Identifier.isValid(text) else {
            throw .invalidValue(field: "identifier", reason: "not 1…64 characters of A–Z a–z 0–9 . _ : -")
        }
        value = text
    }
}

/// Free text for people (names, purposes, memos, beneficiaries): valid UTF-8, at most
/// 256 bytes, no control characters. Compared as bytes, never as Unicode strings.
public struct Text: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let value: String

    public init(_ value: String, field: String = "text") throws(LedgerError) {
        guard Text.isValid(value) else {
            throw .invalidField(
                field: field, reason: "must be at most \(Limits.textLengthMaxBytes) bytes of UTF-8 without control characters")
        }
        self.value = value
    }

    public init(stringLiteral value: String) {
        precondition(Text.isValid(value), "invalid text literal")
        self.value = value
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count <= Limits.textLengthMaxBytes && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    public var description: String { value }

    public static func == (lhs: Text, rhs: Text) -> Bool { lhs.value.utf8.elementsEqual(rhs.value.utf8) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value.utf8.count)
        for byte in value.utf8 { hasher.combine(byte) }
    }
}

extension Text: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(value, maximum: Limits.textLengthMaxBytes) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let text = try reader.readString(maximum: Limits.textLengthMaxBytes, "text")
        guard Text.isValid(text) else { throw .invalidValue(field: "text", reason: "contains control characters") }
        value = text
    }
}
