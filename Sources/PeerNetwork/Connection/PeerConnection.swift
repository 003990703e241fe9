import NIOCore

/// One TCP connection to or from a (claimed) validator. Confined to the network's event
/// loop, like everything the connection manager owns.
final class PeerConnection {
    enum Direction: Sendable { case outbound, inbound }

    /// Unique per network instance, for logs and bookkeeping.
    let id: Int
    let direction: Direction
    let channel: any Channel
    /// `host:port` of the other end as the socket reports it (remembered once known, as a
    /// closed socket no longer reports it).
    var remoteAddress: String {
        if let knownRemoteAddress { return knownRemoteAddress }
        guard let address = channel.remoteAddress else { return "unknown address" }
        knownRemoteAddress = Self.describe(address)
        return knownRemoteAddress ?? "unknown address"
    }
    private var knownRemoteAddress: String?
    /// For an outbound connection, the validator dialed (before it proved anything).
    let dialedIndex: Int?
    /// The validator index proven by the handshake; nil until admission.
    var peerIndex: Int?
    /// The index an inbound dialer claims in its hello, not yet proven (for log lines).
    var claimedIndex: Int?
    /// The genesis validator whose key the peer's TLS certificate holds: set during the TLS
    /// handshake, before any frame is read. The link's handshake must claim this validator.
    var tlsVerifiedIndex: Int?
    /// Why the TLS layer refused the peer's certificate, for the close reason.
    var tlsRefusal: String?
    var isEstablished = false
    /// Replaced by a better link to the same validator: flushing and closing gracefully.
    var isRetired = false
    /// Why the connection ended, for the disconnected event.
    var closeReason: String?

    init(id: Int, direction: Direction, channel: any Channel, dialedIndex: Int?) {
        self.id = id
        self.direction = direction
        self.channel = channel
        self.dialedIndex = dialedIndex
        self.peerIndex = nil
    }

    /// The validator that opened this connection, once both ends are known.
    func initiatorIndex(localIndex: Int) -> Int? {
        direction == .outbound ? localIndex : peerIndex
    }

    /// `outbound #3 to validator 2 (127.0.0.1:7002)`, `inbound #4 from 127.0.0.1:50122 claiming validator 1`.
    var logDescription: String {
        switch direction {
        case .outbound:
            return "outbound #\(id) to validator \(dialedIndex.map(String.init) ?? "?") (\(remoteAddress))"
        case .inbound:
            if let peerIndex { return "inbound #\(id) from validator \(peerIndex) (\(remoteAddress))" }
            if let claimedIndex { return "inbound #\(id) from \(remoteAddress) claiming validator \(claimedIndex)" }
            return "inbound #\(id) from \(remoteAddress)"
        }
    }

    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown address" }
        if let ip = address.ipAddress, let port = address.port { return "\(ip):\(port)" }
        return "\(address)"
    }
}
