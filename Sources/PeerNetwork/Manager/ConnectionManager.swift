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
    let logger: Logger
    let messageContinuation: AsyncStream<InboundMessage>.Continuation
    let eventContinuation: AsyncStream<PeerEvent>.Continuation

    // Loop-confined state.
    var lifecycle = Lifecycle.idle
    /// One entry per validator index; the local index's entry is never dialed or used.
    var links: [PeerLink]
    /// Every open connection by id, to close them all on shutdown.
    var openConnections: [Int: PeerConnection] = [:]
    /// Inbound connections that have not completed the handshake.
    var pendingInboundIDs = Set<Int>()
    var counters = PeerCounters()
    var serverChannel: (any Channel)?
    var nextConnectionID = 0
    var random = SystemRandomNumberGenerator()
    /// Set while inbound messages are being dropped, so a burst logs once.
    var isDroppingInbound = false

    init(
        loop: any EventLoop, configuration: PeerNetworkConfiguration, logger: Logger,
        messageContinuation: AsyncStream<InboundMessage>.Continuation,
        eventContinuation: AsyncStream<PeerEvent>.Continuation
    ) {
        self.loop = loop
        self.configuration = configuration
        self.handshakeContext = HandshakeContext(configuration: configuration)
        var logger = logger
        logger[metadataKey: "validator"] = "\(configuration.localIndex)"
        self.logger = logger
        self.messageContinuation = messageContinuation
        self.eventContinuation = eventContinuation
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
        guard pendingInboundIDs.count < configuration.pendingHandshakesMax else {
            counters.connectionsRefused += 1
            logger.warning("refused connection from \(address): \(pendingInboundIDs.count) handshakes already pending (pendingHandshakesMax)")
            throw PeerNetworkError.notRunning
        }
        let connection = makeConnection(channel, direction: .inbound, dialedIndex: nil)
        pendingInboundIDs.insert(connection.id)
        try installHandlers(channel, connection)
        logger.debug("accepted TCP connection #\(connection.id) from \(address); awaiting handshake")
    }

    func installOutbound(_ channel: any Channel, dialing index: Int) throws {
        loop.assertInEventLoop()
        guard lifecycle == .running else { throw PeerNetworkError.notRunning }
        let connection = makeConnection(channel, direction: .outbound, dialedIndex: index)
        links[index].dialConnectionID = connection.id
        try installHandlers(channel, connection)
    }

    private func makeConnection(_ channel: any Channel, direction: PeerConnection.Direction, dialedIndex: Int?) -> PeerConnection {
        nextConnectionID += 1
        let connection = PeerConnection(id: nextConnectionID, direction: direction, channel: channel, dialedIndex: dialedIndex)
        openConnections[connection.id] = connection
        return connection
    }

    private func installHandlers(_ channel: any Channel, _ connection: PeerConnection) throws {
        let handler = PeerConnectionHandler(
            connection: connection, delegate: self, handshakeContext: handshakeContext,
            handshakeTimeout: TimeAmount(configuration.handshakeTimeout),
            idleTimeoutSeconds: Double(configuration.idleTimeout.nanosecondsClamped) / 1e9)
        try channel.pipeline.syncOperations.addHandlers([
            IdleStateHandler(
                readTimeout: TimeAmount(configuration.idleTimeout), writeTimeout: TimeAmount(configuration.heartbeatInterval)),
            ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: configuration.frameSizeMaxBytes)),
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
