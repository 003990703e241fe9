import LedgerCrypto

/// Everything the peer layer needs to know, as the node maps it from genesis and its own
/// config file. Every queue and timeout is bounded here and checked by `validate()`.
public struct PeerNetworkConfiguration: Sendable {
    /// The digest of the genesis document: both sides of a handshake must hold the same one.
    public var genesisHash: Digest
    /// For log lines only; the genesis hash is what binds a link to a chain.
    public var chainID: String
    /// Validators in genesis order: `validators[i].index == i`.
    public var validators: [PeerIdentity]
    /// This node's position in `validators`.
    public var localIndex: Int
    /// Signs this node's half of every handshake and its TLS handshakes (its certificate holds
    /// this key); its public key must be `validators[localIndex].publicKey`.
    public var nodeKey: SigningKey
    /// Checks the other side's handshake signature.
    public var signatureVerifier: any SignatureVerifier
    /// Where to bind the listener; nil binds `validators[localIndex].host`. Set "0.0.0.0" to
    /// listen on every interface while genesis advertises a public address.
    public var listenHostOverride: String?

    /// The largest frame payload (kind byte + body) accepted or sent; a larger length prefix
    /// closes the connection before a byte of the frame is buffered.
    public var frameSizeMaxBytes: Int
    /// Frames waiting for one peer's socket; when full the oldest is dropped and counted.
    public var sendQueueMaxFrames: Int
    /// Authenticated messages waiting for the node to read `messages`; beyond it new ones are dropped and counted.
    public var inboundQueueMaxMessages: Int
    /// Bytes of one peer's messages waiting for the node; beyond it that peer's new messages
    /// are dropped and counted (the others' still arrive).
    public var inboundBytesPerPeerMax: Int
    /// Connections accepted but not yet authenticated. A new one beyond the bound evicts the
    /// oldest pending handshake (of the busiest source), so squatters cannot lock peers out.
    public var pendingHandshakesMax: Int
    /// Pending handshakes from one source address; a new one beyond evicts that source's oldest.
    public var pendingHandshakesPerSourceMax: Int
    /// Inbound connections one source address may open per second (sustained) and at once
    /// (burst); beyond them a connection is closed before a byte is read or signed.
    public var handshakesPerSourcePerSecond: Double
    public var handshakesPerSourceBurst: Int
    /// The same for all sources together: bounds the signatures the node makes for
    /// unauthenticated dialers (each handshake reply is one).
    public var handshakesPerSecondMax: Double
    public var handshakesBurstMax: Int
    /// The largest frame accepted before the handshake completes (the largest handshake
    /// frame, a goodbye with its reason, is under 300 bytes); `frameSizeMaxBytes` after.
    public var handshakeFrameSizeMaxBytes: Int
    /// NIO stops reporting the socket writable above this many buffered bytes, and this
    /// layer then holds frames in its own bounded queue instead.
    public var writeBufferHighWatermarkBytes: Int

    public var backoff: BackoffPolicy
    /// A connection that has not completed the handshake by then is closed.
    public var handshakeTimeout: Duration
    /// A TCP connect that has not completed by then fails (and is retried with backoff).
    public var connectTimeout: Duration
    /// A ping is sent on a link that has sent nothing for this long.
    public var heartbeatInterval: Duration
    /// A link that has received nothing (not even a ping) for this long is closed. Short, so a
    /// link that went dead without a FIN or RST (a cable, a partition, a paused peer) is
    /// redialed within seconds rather than left to TCP's retransmission backoff, which after
    /// 20 s of loss waits more than 10 s between tries (measured: scripts/netns-partition).
    public var idleTimeout: Duration
    /// How long a link replaced by a better one may take to flush and close gracefully.
    public var retireTimeout: Duration

    public static let validatorsMax = 1024
    public static let frameSizeMinBytes = 256
    public static let frameSizeLimitBytes = 64 << 20
    public static let chainIDMaxBytes = 128
    /// A goodbye frame with the longest reason: the largest frame of the handshake.
    public static let handshakeFrameSizeMinBytes = 512

    public init(
        genesisHash: Digest,
        chainID: String,
        validators: [PeerIdentity],
        localIndex: Int,
        nodeKey: SigningKey,
        signatureVerifier: any SignatureVerifier = P256Verifier(),
        listenHostOverride: String? = nil,
        frameSizeMaxBytes: Int = 4 << 20,
        sendQueueMaxFrames: Int = 1024,
        inboundQueueMaxMessages: Int = 8192,
        inboundBytesPerPeerMax: Int = 32 << 20,
        pendingHandshakesMax: Int = 64,
        pendingHandshakesPerSourceMax: Int = 16,
        handshakesPerSourcePerSecond: Double = 20,
        handshakesPerSourceBurst: Int = 40,
        handshakesPerSecondMax: Double = 200,
        handshakesBurstMax: Int = 400,
        handshakeFrameSizeMaxBytes: Int = 1024,
        writeBufferHighWatermarkBytes: Int = 256 << 10,
        backoff: BackoffPolicy = BackoffPolicy(),
        handshakeTimeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(3),
        heartbeatInterval: Duration = .seconds(1),
        idleTimeout: Duration = .seconds(6),
        retireTimeout: Duration = .seconds(5)
    ) {
        self.genesisHash = genesisHash
        self.chainID = chainID
        self.validators = validators
        self.localIndex = localIndex
        self.nodeKey = nodeKey
        self.signatureVerifier = signatureVerifier
        self.listenHostOverride = listenHostOverride
        self.frameSizeMaxBytes = frameSizeMaxBytes
        self.sendQueueMaxFrames = sendQueueMaxFrames
        self.inboundQueueMaxMessages = inboundQueueMaxMessages
        self.inboundBytesPerPeerMax = inboundBytesPerPeerMax
        self.pendingHandshakesMax = pendingHandshakesMax
        self.pendingHandshakesPerSourceMax = pendingHandshakesPerSourceMax
        self.handshakesPerSourcePerSecond = handshakesPerSourcePerSecond
        self.handshakesPerSourceBurst = handshakesPerSourceBurst
        self.handshakesPerSecondMax = handshakesPerSecondMax
        self.handshakesBurstMax = handshakesBurstMax
        self.handshakeFrameSizeMaxBytes = handshakeFrameSizeMaxBytes
        self.writeBufferHighWatermarkBytes = writeBufferHighWatermarkBytes
        self.backoff = backoff
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.heartbeatInterval = heartbeatInterval
        self.idleTimeout = idleTimeout
        self.retireTimeout = retireTimeout
    }

    /// The frame limit before the handshake completes.
    var preHandshakeFrameSizeMaxBytes: Int { min(handshakeFrameSizeMaxBytes, frameSizeMaxBytes) }

    var handshakeGateLimits: HandshakeGate.Limits {
        HandshakeGate.Limits(
            pendingMax: pendingHandshakesMax, pendingPerSourceMax: pendingHandshakesPerSourceMax,
            perSourcePerSecond: handshakesPerSourcePerSecond, perSourceBurst: Double(handshakesPerSourceBurst),
            globalPerSecond: handshakesPerSecondMax, globalBurst: Double(handshakesBurstMax))
    }

    /// The largest opaque message `send` accepts: a frame minus its kind byte.
    public var messageSizeMaxBytes: Int { frameSizeMaxBytes - 1 }

    public var localIdentity: PeerIdentity { validators[localIndex] }

    /// Throws the first rule this configuration breaks, in words an operator can act on.
    public func validate() throws(PeerNetworkError) {
        func invalid(_ reason: String) -> PeerNetworkError { .invalidConfiguration(reason: reason) }
        guard !validators.isEmpty, validators.count <= Self.validatorsMax else {
            throw invalid("genesis must list 1...\(Self.validatorsMax) validators, got \(validators.count)")
        }
        for (position, validator) in validators.enumerated() {
            guard validator.index == position else {
                throw invalid("validators must be listed in index order: position \(position) holds index \(validator.index)")
            }
            guard (1...65535).contains(validator.port) || (position == localIndex && validator.port == 0) else {
                throw invalid("validator \(position) has port \(validator.port), outside 1...65535")
            }
            guard !validator.host.isEmpty, validator.host.utf8.count <= 253 else {
                throw invalid("validator \(position) has an empty or over-long host")
            }
        }
        guard Set(validators.map(\.publicKey)).count == validators.count else {
            throw invalid("two validators share one node key")
        }
        guard validators.indices.contains(localIndex) else {
            throw invalid("local index \(localIndex) is not a validator (0..<\(validators.count))")
        }
        guard nodeKey.publicKey == validators[localIndex].publicKey else {
            throw invalid("the node key \(nodeKey.publicKey.hex.prefix(16))… is not the key genesis lists for validator \(localIndex)")
        }
        guard chainID.utf8.count <= Self.chainIDMaxBytes else { throw invalid("chain id above \(Self.chainIDMaxBytes) bytes") }
        guard (Self.frameSizeMinBytes...Self.frameSizeLimitBytes).contains(frameSizeMaxBytes) else {
            throw invalid("frameSizeMaxBytes \(frameSizeMaxBytes) outside \(Self.frameSizeMinBytes)...\(Self.frameSizeLimitBytes)")
        }
        guard inboundBytesPerPeerMax >= frameSizeMaxBytes else {
            throw invalid("inboundBytesPerPeerMax (\(inboundBytesPerPeerMax)) must be at least frameSizeMaxBytes (\(frameSizeMaxBytes)): a largest message must fit")
        }
        guard sendQueueMaxFrames >= 1, inboundQueueMaxMessages >= 1, pendingHandshakesMax >= 1 else {
            throw invalid("sendQueueMaxFrames, inboundQueueMaxMessages and pendingHandshakesMax must be at least 1")
        }
        guard pendingHandshakesPerSourceMax >= 1, handshakesPerSourceBurst >= 1, handshakesBurstMax >= 1,
              handshakesPerSourcePerSecond > 0, handshakesPerSecondMax > 0 else {
            throw invalid("pendingHandshakesPerSourceMax, the handshake bursts and the handshake rates must be positive")
        }
        guard handshakeFrameSizeMaxBytes >= Self.handshakeFrameSizeMinBytes else {
            throw invalid("handshakeFrameSizeMaxBytes \(handshakeFrameSizeMaxBytes) is below \(Self.handshakeFrameSizeMinBytes), the largest handshake frame")
        }
        guard writeBufferHighWatermarkBytes >= 1024 else { throw invalid("writeBufferHighWatermarkBytes must be at least 1024") }
        let durations: [(String, Duration)] = [
            ("backoff.delayInitial", backoff.delayInitial), ("backoff.delayMax", backoff.delayMax),
            ("handshakeTimeout", handshakeTimeout), ("connectTimeout", connectTimeout),
            ("heartbeatInterval", heartbeatInterval), ("idleTimeout", idleTimeout), ("retireTimeout", retireTimeout),
        ]
        for (name, duration) in durations where duration <= .zero {
            throw invalid("\(name) must be positive")
        }
        guard backoff.delayInitial <= backoff.delayMax else { throw invalid("backoff.delayInitial is above backoff.delayMax") }
        guard heartbeatInterval < idleTimeout else {
            throw invalid("heartbeatInterval must be below idleTimeout, or idle links are closed between pings")
        }
    }
}
