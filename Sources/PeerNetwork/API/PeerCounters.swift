/// A snapshot of the peer layer's counters, totals since start.
public struct PeerCounters: Hashable, Sendable {
    /// Frames and their bytes (length prefix included) read from and written to sockets,
    /// handshake and heartbeat frames included.
    public var framesIn: UInt64 = 0
    public var framesOut: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Opaque messages delivered to `messages` and handed to sockets.
    public var messagesIn: UInt64 = 0
    public var messagesOut: UInt64 = 0
    /// Frames dropped from a full per-peer send queue (oldest first).
    public var sendQueueDrops: UInt64 = 0
    /// Messages dropped because the node was not reading `messages` fast enough.
    public var inboundDrops: UInt64 = 0
    /// Messages dropped because their sender already had `inboundBytesPerPeerMax` waiting.
    public var inboundBytesDrops: UInt64 = 0
    /// Validators this node cut off for a while on proof of misbehaviour (`PeerNetwork.suspend`).
    public var suspensions: UInt64 = 0
    /// Handshakes that failed: strangers, bad signatures, wrong chain, timeouts, refusals.
    public var handshakeFailures: UInt64 = 0
    /// Oversize, empty, truncated or undecodable frames, and messages out of order.
    public var protocolViolations: UInt64 = 0
    /// Inbound connections closed at once: their source (or all sources together) opened
    /// more per second than the handshake rate allows.
    public var connectionsRefused: UInt64 = 0
    /// Pending handshakes closed to make room for a newer connection (the table was full).
    public var handshakesEvicted: UInt64 = 0
    /// Log lines held back by rate limiting (refusals, failed handshakes, bad frames).
    public var logLinesSuppressed: UInt64 = 0
    /// Authenticated connections closed because the pair already had a better link.
    public var duplicateConnections: UInt64 = 0
    /// Links closed for silence longer than the idle timeout.
    public var idleTimeouts: UInt64 = 0
    /// TCP dials started, and those that were retries after a failure or a lost link.
    public var dialAttempts: UInt64 = 0
    public var reconnectAttempts: UInt64 = 0
    /// Links established to a validator this node had been connected to before.
    public var reconnects: UInt64 = 0
    /// Links established, and links lost.
    public var linksEstablished: UInt64 = 0
    public var linksLost: UInt64 = 0
    /// One entry per other validator, by index.
    public var peers: [PeerLinkStatus] = []

    public init() {}
}

/// The state of the link to one validator at snapshot time.
public struct PeerLinkStatus: Hashable, Sendable {
    public var validatorIndex: Int
    public var isConnected: Bool
    /// Frames in this layer's queue for the peer, and their bytes.
    public var queuedFrames: Int
    public var queuedBytes: Int
    /// Bytes NIO holds for the socket (written but not yet accepted by the kernel).
    public var socketBufferedBytes: Int

    public init(validatorIndex: Int, isConnected: Bool, queuedFrames: Int, queuedBytes: Int, socketBufferedBytes: Int) {
        self.validatorIndex = validatorIndex
        self.isConnected = isConnected
        self.queuedFrames = queuedFrames
        self.queuedBytes = queuedBytes
        self.socketBufferedBytes = socketBufferedBytes
    }
}
