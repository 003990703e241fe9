/// PeerNetwork: the authenticated TCP links between GreenLedger validators.
///
/// It carries opaque consensus messages and knows nothing of their meaning: length-prefixed
/// frames (`FrameDecoder`), a mutual handshake proving each side holds the node key genesis
/// lists for it (`InitiatorHandshake`, `ResponderHandshake`), one link per validator pair
/// with reconnect and backoff, and bounded per-peer send queues (`ConnectionManager`).
/// The wire format is specified in docs/protocol.md.
import LedgerCrypto
import Logging
import NIOCore
import NIOPosix

/// The node's handle on the peer layer. Thread-safe: every call hops onto the one event
/// loop that owns the network's state.
public final class PeerNetwork: Sendable {
    public let configuration: PeerNetworkConfiguration
    /// Messages from authenticated validators, tagged with the sender's index, in the order
    /// each connection delivered them. Bounded by `inboundQueueMaxMessages` in all and by
    /// `inboundBytesPerPeerMax` per sender (excess is dropped and counted). Ends at `shutdown()`.
    public let messages: InboundMessages
    /// Connected / disconnected per validator. Keeps the newest `eventsMax` if unread.
    public let events: AsyncStream<PeerEvent>

    public static let eventsMax = 4096

    private let manager: ConnectionManager
    private let allocator = ByteBufferAllocator()

    /// Validates `configuration`; nothing listens or dials until `start()`.
    public init(
        configuration: PeerNetworkConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "greenledger.peer")
    ) throws(PeerNetworkError) {
        try configuration.validate()
        self.configuration = configuration
        let (messages, messageContinuation) = AsyncStream.makeStream(
            of: InboundMessage.self, bufferingPolicy: .bufferingOldest(configuration.inboundQueueMaxMessages))
        let (events, eventContinuation) = AsyncStream.makeStream(
            of: PeerEvent.self, bufferingPolicy: .bufferingNewest(Self.eventsMax))
        let budget = InboundByteBudget(perPeerMaxBytes: configuration.inboundBytesPerPeerMax)
        self.messages = InboundMessages(stream: messages, budget: budget)
        self.events = events
        let tls: PeerTLS
        do {
            tls = try PeerTLS(nodeKey: configuration.nodeKey, localIndex: configuration.localIndex, validators: configuration.validators)
        } catch {
            throw .tls("cannot set up TLS with the node key: \(error)")
        }
        manager = ConnectionManager(
            loop: eventLoopGroup.next(), configuration: configuration, tls: tls, logger: logger,
            messageContinuation: messageContinuation, inboundBudget: budget, eventContinuation: eventContinuation)
    }

    /// Listens on the configured host:port and starts dialing every other validator.
    /// Returns the port actually bound (useful when the configuration says port 0).
    @discardableResult
    public func start() async throws(PeerNetworkError) -> Int {
        let manager = self.manager
        do {
            return try await manager.loop.flatSubmit { manager.start() }.get()
        } catch let error as PeerNetworkError {
            throw error
        } catch {
            throw .bindFailed(host: configuration.localIdentity.host, port: configuration.localIdentity.port, reason: "\(error)")
        }
    }

    /// Queues `message` for validator `validatorIndex`. Returns at once: if the peer is
    /// down or slow, the message waits in its bounded queue (oldest dropped when full).
    public func send(_ message: [UInt8], to validatorIndex: Int) throws(PeerNetworkError) {
        guard configuration.validators.indices.contains(validatorIndex), validatorIndex != configuration.localIndex else {
            throw .unknownValidator(index: validatorIndex)
        }
        let frame = try encode(message)
        let manager = self.manager
        manager.loop.execute { manager.enqueue(frame, to: validatorIndex) }
    }

    /// Queues `message` for every other validator (one encoded frame, shared).
    public func broadcast(_ message: [UInt8]) throws(PeerNetworkError) {
        let frame = try encode(message)
        let manager = self.manager
        manager.loop.execute {
            for index in manager.peerIndices { manager.enqueue(frame, to: index) }
        }
    }

    /// Cuts validator `validatorIndex` off for `duration`: closes its link, stops dialing it and
    /// refuses its handshakes until then. For proven misbehaviour only (the node calls it when
    /// a validator's signed messages carry invalid transaction signatures): every message it
    /// sends meanwhile is lost, which the protocol tolerates for up to f validators.
    public func suspend(_ validatorIndex: Int, for duration: Duration, reason: String) throws(PeerNetworkError) {
        guard configuration.validators.indices.contains(validatorIndex), validatorIndex != configuration.localIndex else {
            throw .unknownValidator(index: validatorIndex)
        }
        let manager = self.manager
        let nanoseconds = UInt64(clamping: duration.nanosecondsClamped)
        manager.loop.execute { manager.suspend(validatorIndex, forNanoseconds: nanoseconds, reason: reason) }
    }

    /// A snapshot of the counters and of every link.
    public func counters() async -> PeerCounters {
        let manager = self.manager
        return (try? await manager.loop.submit { manager.snapshot() }.get()) ?? PeerCounters()
    }

    /// Closes the listener and every connection, stops dialing and ends both streams.
    /// Does not shut down the event loop group, which the caller owns.
    public func shutdown() async {
        let manager = self.manager
        try? await manager.loop.flatSubmit { manager.shutdown() }.get()
    }

    private func encode(_ message: [UInt8]) throws(PeerNetworkError) -> ByteBuffer {
        guard message.count <= configuration.messageSizeMaxBytes else {
            throw .messageTooLarge(sizeBytes: message.count, maxBytes: configuration.messageSizeMaxBytes)
        }
        return WireMessage.frame(kind: .message, body: message, allocator: allocator)
    }
}

extension PeerNetwork {
    /// The socket endpoints of each link in use (tests: both ends agree on one connection).
    func linkEndpoints() async -> [Int: LinkEndpoints] {
        let manager = self.manager
        return (try? await manager.loop.submit { manager.linkEndpoints() }.get()) ?? [:]
    }

    /// Stops or resumes reading every connection (tests: a peer that does not drain its sockets).
    func setReading(_ enabled: Bool) async {
        let manager = self.manager
        try? await manager.loop.submit { manager.setReading(enabled) }.get()
    }
}
