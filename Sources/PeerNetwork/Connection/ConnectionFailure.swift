import LedgerCore

/// Why a connection was closed by this side or lost. The manager counts and logs each kind.
enum ConnectionFailure: Error, Sendable, CustomStringConvertible {
    case framing(FramingError)
    case malformedFrame(CodecError)
    case handshake(HandshakeError)
    /// A well-formed frame that is not allowed at this point (a hello after the handshake, …).
    case protocolViolation(String)
    case idle(seconds: Double)
    /// The peer said goodbye after the handshake.
    case peerGoodbye(reason: String)
    /// The socket failed (reset, broken pipe, …).
    case transport(String)

    var description: String {
        switch self {
        case .framing(let error): "framing error: \(error)"
        case .malformedFrame(let error): "malformed frame: \(error)"
        case .handshake(let error): "handshake failed: \(error)"
        case .protocolViolation(let reason): "protocol violation: \(reason)"
        case .idle(let seconds): "no traffic for \(seconds) s"
        case .peerGoodbye(let reason): "peer closed the link: \(reason)"
        case .transport(let reason): "transport error: \(reason)"
        }
    }

    /// Whether to tell the other side why before closing. Not after transport errors (the
    /// socket is gone) nor in answer to the peer's own goodbye.
    var sendsGoodbye: Bool {
        switch self {
        case .framing, .malformedFrame, .protocolViolation, .idle: true
        case .handshake(.refusedByPeer): false
        case .handshake: true
        case .peerGoodbye, .transport: false
        }
    }
}
