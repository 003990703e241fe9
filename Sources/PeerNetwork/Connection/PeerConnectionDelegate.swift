/// What a connection handler reports to its owner (the connection manager, or a test
/// double). Every call happens on the connection's event loop.
protocol PeerConnectionDelegate: AnyObject {
    func connection(_ connection: PeerConnection, receivedFrameBytes byteCount: Int)
    func connection(_ connection: PeerConnection, sentFrameBytes byteCount: Int)
    /// The handshake proved `peerIndex`; the owner decides whether this link is kept.
    func connection(_ connection: PeerConnection, admit peerIndex: Int) -> AdmissionDecision
    /// Admitted and announced: messages may flow.
    func connectionEstablished(_ connection: PeerConnection)
    /// Authenticated as initiator but refused because a better link exists: the owner
    /// retires it (the handler still delivers what arrives on it until it closes).
    func connectionSuperseded(_ connection: PeerConnection)
    func connection(_ connection: PeerConnection, received message: [UInt8])
    func connectionWritabilityChanged(_ connection: PeerConnection)
    /// The handler is closing the connection for `failure` (it is closed afterwards).
    func connection(_ connection: PeerConnection, failed failure: ConnectionFailure)
    func connectionClosed(_ connection: PeerConnection)
}

enum AdmissionDecision: Equatable, Sendable {
    case accept
    /// Not kept (a better link to the validator exists, or shutting down). A responder says
    /// goodbye with the reason; an initiator retires the connection gracefully.
    case refuse(reason: String)
}
