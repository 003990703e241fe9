import Logging
import NIOCore
import NIOPosix

/// The one owner of the peer layer's mutable state: links, queues, counters. Every
/// connection of a network runs on the same event loop as its manager, so handlers call
/// it directly and public calls hop onto `loop`; nothing here is touched from elsewhere.
final class ConnectionManager: @unchecked Sendable {
    enum Lifecycle { case idle, running, stopped }

    let loop: any EventLoop
    let configuration: PeerNetworkConfiguration
    let handshakeContext: HandshakeContext
    let tls: PeerTLS
    let logger: Logger
    let messageContinuation: AsyncStream<InboundMessage>.Continuation
    let inboundBudget: InboundByteBudget
    let eventContinuation: AsyncStream<PeerEvent>.Continuation

    // Loop-confined state.
    var lifecycle = Lifecycle.idle
    /// One entry per validator index; the local index's entry is never dialed or used.
    var links: [PeerLink]
    /// Every open connection by id, to close them all on shutdown.
    var openConnections: [Int: PeerConnection] = [:]
    /// Inbound connections that have not completed the handshake, and the rates they come at.
    var gate: HandshakeGate
    /// Lines a stranger can trigger at will are rate-limited.
    var logLimiter = LogLimiter()
    var counters = PeerCounters()
    var serverChannel: (any Channel)?
    var nextConnectionID = 0
    var random = SystemRandomNumberGenerator()
    /// Set while inbound messages are being dropped, so a burst logs once.
    var isDroppingInbound = false
    /// Peers whose share of the inbound queue is full, so a burst logs once per peer.
    var peersOverInboundBudget: Set<Int> = []

    init(
        loop: any EventLoop, configuration: PeerNetworkConfiguration, tls: PeerTLS, logger: Logger,
        messageContinuation: AsyncStream<InboundMessage>.Continuation,
        inboundBudget: InboundByteBudget,
        eventContinuation: AsyncStream<PeerEvent>.Continuation
    ) {
        self.loop = loop
        self.configuration = configuration
        self.handshakeContext = HandshakeContext(configuration: configuration)
        self.tls = tls
        var logger = logger
        logger[metadataKey: "validator"] = "\(configuration.localIndex)"
        self.logger = logger
        self.messageContinuation = messageContinuation
        self.inboundBudget = inboundBudget
        self.eventContinuation = eventContinuation
        gate = HandshakeGate(limits: configuration.handshakeGateLimits, now: Self.nowNanos)
        links = configuration.validators.map { PeerLink(identity: $0, sendQueueMaxFrames: configuration.sendQueueMaxFrames) }
    }

    var localIndex: Int { configuration.localIndex }

    /// Other validators' indices, in order.
    var peerIndices: [Int] { links.indices.filter { $0 != localIndex } }

    // MARK: - Lifecycle

    /// Binds the listener and starts dialing every peer. Returns the bound port.
    func start() -> EventLoopFuture<Int> {
        loop.assertInEventLoop()
        guard lifecycle == .idle else { return loop.makeFailedFuture(PeerNetworkError.alreadyStarted) }
        lifecycle = .running
        let local = configuration.localIdentity
        let host = configuration.listenHostOverride ?? local.host
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 128)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: writeBufferWaterMark)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.installInbound(channel) }
            }
        return bootstrap.bind(host: host, port: local.port).flatMapErrorThrowing { [self] error in
            lifecycle = .idle
            logger.error("cannot listen on \(host):\(local.port): \(error)")
            throw PeerNetworkError.bindFailed(host: host, port: local.port, reason: "\(error)")
        }.map { [self] channel in
            serverChannel = channel
            let port = channel.localAddress?.port ?? local.port
            logger.info("listening for validators on \(host):\(port) (chain \(configuration.chainID), genesis \(configuration.genesisHash.shortHex)…)")
            for index in peerIndices { scheduleDial(index) }
            return port
        }
    }

    /// Stops dialing, closes the listener and every connection, and ends both streams.
    func shutdown() -> EventLoopFuture<Void> {
        loop.assertInEventLoop()
        guard lifecycle != .stopped else { return loop.makeSucceededVoidFuture() }
        lifecycle = .stopped
        for index in peerIndices {
            links[index].dialTask?.cancel()
            links[index].dialTask = nil
        }
        var closing: [EventLoopFuture<Void>] = []
        if let serverChannel { closing.append(serverChannel.close().recover { _ in }) }
        for connection in openConnections.values {
            connection.closeReason = connection.closeReason ?? "this node is shutting down"
            closing.append(connection.channel.close().recover { _ in })
        }
        return EventLoopFuture.andAllComplete(closing, on: loop).map { [self] in
            logger.info("peer network stopped")
            messageContinuation.finish()
            eventContinuation.finish()
        }
    }

    var writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark {
        let high = configuration.writeBufferHighWatermarkBytes
        return .init(low: high / 2, high: high)
    }

    // MARK: - Channels

    func installInbound(_ channel: any Channel) throws {
        loop.assertInEventLoop()
        guard lifecycle == .running else { throw PeerNetworkError.notRunning }
        let address = PeerConnection.describe(channel.remoteAddress)
        let source = channel.remoteAddress?.ipAddress ?? "unknown"
        let now = Self.nowNanos
        nextConnectionID += 1
        let id = nextConnectionID
        switch gate.admit(id, from: source, now: now) {
        case .refuse(let refusal):
            counters.connectionsRefused += 1
            let why = switch refusal {
            case .sourceRate: "\(source) opens connections faster than \(configuration.handshakesPerSourcePerSecond)/s (burst \(configuration.handshakesPerSourceBurst))"
            case .globalRate: "inbound connections arrive faster than \(configuration.handshakesPerSecondMax)/s (burst \(configuration.handshakesBurstMax))"
            }
            logLimited("refused", now: now) { "refused connection from \(address): \(why)\($0)" }
            throw PeerNetworkError.notRunning
        case .admit(let evicting):
            if let evicting, let victim = openConnections[evicting] {
                counters.handshakesEvicted += 1
                victim.closeReason = "evicted: pending handshakes full (\(gate.pendingCount) pending, \(gate.pendingCount(from: source)) from \(source))"
                logLimited("evicted", now: now) { "closing unauthenticated \(victim.logDescription) to make room for a new connection: \(gate.pendingCount) handshakes pending\($0)" }
                victim.channel.close(promise: nil)
            }
        }
        let connection = makeConnection(channel, direction: .inbound, dialedIndex: nil, id: id)
        try installHandlers(channel, connection)
        logger.debug("accepted TCP connection #\(connection.id) from \(address); awaiting handshake")
    }

    /// Logs a line a stranger can trigger at will, at most a few per minute per kind.
    func logLimited(_ kind: String, level: Logger.Level = .warning, now: UInt64 = ConnectionManager.nowNanos, _ line: (String) -> String) {
        guard let heldBack = logLimiter.permit(kind, now: now) else {
            counters.logLinesSuppressed = logLimiter.suppressedTotal
            return
        }
        logger.log(level: level, "\(line(LogLimiter.note(heldBack)))")
    }

    static var nowNanos: UInt64 { NIODeadline.now().uptimeNanoseconds }

    func installOutbound(_ channel: any Channel, dialing index: Int) throws {
        loop.assertInEventLoop()
        guard lifecycle == .running else { throw PeerNetworkError.notRunning }
        let connection = makeConnection(channel, direction: .outbound, dialedIndex: index)
        links[index].dialConnectionID = connection.id
        try installHandlers(channel, connection)
    }

    /// A new connection with `id`, or the next id when none is given.
    private func makeConnection(_ channel: any Channel, direction: PeerConnection.Direction, dialedIndex: Int?, id: Int? = nil) -> PeerConnection {
        let connectionID: Int
        if let id {
            connectionID = id
        } else {
            nextConnectionID += 1
            connectionID = nextConnectionID
        }
        let connection = PeerConnection(id: connectionID, direction: direction, channel: channel, dialedIndex: dialedIndex)
        openConnections[connection.id] = connection
        return connection
    }

    private func installHandlers(_ channel: any Channel, _ connection: PeerConnection) throws {
        // Handshake-sized frames until the peer is authenticated (attack F6: 4 MiB frames
        // from strangers held in memory), full-size after.
        let limit = FrameLimit(maxBytes: configuration.preHandshakeFrameSizeMaxBytes)
        let handler = PeerConnectionHandler(
            connection: connection, delegate: self, handshakeContext: handshakeContext,
            handshakeTimeout: TimeAmount(configuration.handshakeTimeout),
            idleTimeoutSeconds: Double(configuration.idleTimeout.nanosecondsClamped) / 1e9,
            frameLimit: (limit, configuration.frameSizeMaxBytes))
        // TLS first: every frame, the handshake's included, travels encrypted, and the peer's
        // certificate is checked against genesis before a frame is read (attack F5).
        try channel.pipeline.syncOperations.addHandlers([
            try tls.handler(for: connection),
            IdleStateHandler(
                readTimeout: TimeAmount(configuration.idleTimeout), writeTimeout: TimeAmount(configuration.heartbeatInterval)),
            ByteToMessageHandler(FrameDecoder(limit: limit)),
            handler,
        ])
    }

    // MARK: - Snapshot

    func snapshot() -> PeerCounters {
        loop.assertInEventLoop()
        var snapshot = counters
        snapshot.peers = peerIndices.map { index in
            let link = links[index]
            let buffered = link.active.flatMap { try? $0.channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes) } ?? 0
            return PeerLinkStatus(
                validatorIndex: index, isConnected: link.active != nil, queuedFrames: link.queue.count,
                queuedBytes: link.queue.byteCount, socketBufferedBytes: buffered)
        }
        return snapshot
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.nanosecondsClamped)
    }
}
