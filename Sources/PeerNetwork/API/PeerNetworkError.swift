/// Why a call into the peer layer was refused. Network input never surfaces here: a bad
/// peer is logged, counted and disconnected, never thrown at the node.
public enum PeerNetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidConfiguration(reason: String)
    /// `send` to an index genesis does not list, or to this node itself.
    case unknownValidator(index: Int)
    case messageTooLarge(sizeBytes: Int, maxBytes: Int)
    /// The listener could not bind the configured address.
    case bindFailed(host: String, port: Int, reason: String)
    case alreadyStarted
    case notRunning
    /// TLS could not be set up with the node key (at start), or the node key could not sign.
    case tls(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid peer network configuration: \(reason)"
        case .unknownValidator(let index): "validator \(index) is not a peer of this node"
        case .messageTooLarge(let size, let max): "message of \(size) bytes is above the \(max)-byte maximum"
        case .bindFailed(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        case .alreadyStarted: "the peer network was already started"
        case .notRunning: "the peer network is not running (not started, or shut down)"
        case .tls(let reason): "TLS on the peer links: \(reason)"
        }
    }
}
