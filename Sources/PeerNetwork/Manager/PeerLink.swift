import NIOCore

/// The connection manager's state for one other validator: the link in use, the dial in
/// flight or scheduled, and the frames waiting to be sent.
struct PeerLink {
    let identity: PeerIdentity
    /// The established connection messages go out on.
    var active: PeerConnection?
    /// Connections replaced by a better one, flushing before they close.
    var retiring: [PeerConnection] = []
    /// The outbound connection being dialed or handshaking, by connection id.
    var dialConnectionID: Int?
    var isDialing = false
    var dialTask: Scheduled<Void>?
    /// Consecutive failed dials since the last established link: drives the backoff.
    var failures = 0
    var everConnected = false
    /// Set while this node refuses the validator (see `ConnectionManager.suspend`).
    var suspendedUntilNanos: UInt64?
    var suspensionReason: String?
    /// Set while frames are being dropped, so one log line reports a burst of drops.
    var isDropping = false
    var queue: SendQueue

    init(identity: PeerIdentity, sendQueueMaxFrames: Int) {
        self.identity = identity
        queue = SendQueue(maxFrames: sendQueueMaxFrames)
    }
}
