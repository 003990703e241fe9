/// Errors at the ledger model's edges: bad input from a file, a flag or the network.
/// (A transaction that is well-formed but not allowed gets a failed `Receipt` instead.)
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidField(field: String, reason: String)
    case decoding(CodecError)
    case invalidGenesis(field: String, reason: String)

    public var description: String {
        switch self {
        case .invalidField(let field, let reason): "invalid \(field): \(reason)"
        case .decoding(let error): "undecodable bytes: \(error)"
        case .invalidGenesis(let field, let reason): "invalid genesis: \(field): \(reason)"
        }
    }

    /// The sentence without its field, for a caller that names the field itself (a CLI flag).
    public var reason: String {
        switch self {
        case .invalidField(_, let reason), .invalidGenesis(_, let reason): reason
        case .decoding(let error): "\(error)"
        }
    }
}
