/// Why canonical bytes were refused. Every decoder throws one of these and never traps.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside `field`.
    case truncated(field: String, needed: Int, remaining: Int)
    /// A complete value was followed by `count` more bytes.
    case trailingBytes(count: Int)
    /// A length or count above the field's bound, refused before any allocation.
    case lengthTooLarge(field: String, length: UInt64, maximum: Int)
    /// An enum or union tag this version does not define.
    case unknownTag(type: String, tag: UInt8)
    /// A format version this build does not read.
    case unsupportedVersion(type: String, version: UInt8)
    /// Bytes that decode, but not in the one canonical way (a bool of 2, unsorted set, …).
    case nonCanonical(field: String, reason: String)
    /// A well-formed value that breaks a rule of its type (an empty identifier, …).
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let remaining):
            "truncated input: \(field) needs \(needed) bytes, \(remaining) left"
        case .trailingBytes(let count): "\(count) unexpected bytes after the end of the value"
        case .lengthTooLarge(let field, let length, let maximum): "\(field) has length \(length), above its maximum \(maximum)"
        case .unknownTag(let type, let tag): "unknown \(type) tag \(tag)"
        case .unsupportedVersion(let type, let version): "unsupported \(type) format version \(version)"
        case .nonCanonical(let field, let reason): "non-canonical \(field): \(reason)"
        case .invalidValue(let field, let reason): "invalid \(field): \(reason)"
        }
    }
}
