import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on loopback that sits on a peer link: it forwards bytes both ways, keeps a copy
/// of everything it saw (a passive capture), and can write bytes of its own into the stream
/// towards the listener (an active attacker holding no key).
final class RecordingRelay: Sendable {
    let port: Int
    private let server: any Channel
    private let state: Mutex<(captured: [UInt8], upstreams: [any Channel])>

    private init(port: Int, server: any Channel) {
        self.port = port
        self.server = server
        self.state = Mutex(([], []))
    }

    /// Listens on a free loopback port and relays each connection to `targetPort`.
    static func start(group: any EventLoopGroup, targetPort: Int) async throws -> RecordingRelay {
        let box = Box()
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { inbound in
                inbound.eventLoop.makeCompletedFuture {
                    try inbound.pipeline.syncOperations.addHandler(Pipe(relay: box, peer: nil, towardsListener: false))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let relay = RecordingRelay(port: server.localAddress?.port ?? 0, server: server)
        box.relay = relay
        box.group = group
        box.targetPort = targetPort
        return relay
    }

    var captured: [UInt8] { state.withLock { $0.captured } }
    var connectionCount: Int { state.withLock { $0.upstreams.count } }

    func record(_ bytes: [UInt8]) { state.withLock { $0.captured += bytes } }
    func remember(_ upstream: any Channel) { state.withLock { $0.upstreams.append(upstream) } }

    /// Writes `bytes` into the newest relayed connection, towards the listener.
    func inject(_ bytes: [UInt8]) async throws {
        guard let upstream = state.withLock({ $0.upstreams.last }) else { return }
        try await upstream.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func close() async {
        try? await server.close()
        for upstream in state.withLock({ $0.upstreams }) { try? await upstream.close() }
    }

    /// Set once before any connection arrives; read on the event loop.
    final class Box: @unchecked Sendable {
        var relay: RecordingRelay?
        var group: (any EventLoopGroup)?
        var targetPort = 0
    }

    /// One direction of a relayed connection: what it reads, it records and writes to `peer`.
    final class Pipe: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let box: Box
        var peer: (any Channel)?
        var pending: [ByteBuffer] = []
        let towardsListener: Bool

        init(relay box: Box, peer: (any Channel)?, towardsListener: Bool) {
            self.box = box
            self.peer = peer
            self.towardsListener = towardsListener
        }

        func channelActive(context: ChannelHandlerContext) {
            guard peer == nil, let group = box.group else { return context.fireChannelActive() }
            // The dialer's side: connect upstream, then pipe both ways.
            let inbound = context.channel
            let box = self.box
            ClientBootstrap(group: group)
                .channelInitializer { upstream in
                    upstream.eventLoop.makeCompletedFuture {
                        try upstream.pipeline.syncOperations.addHandler(Pipe(relay: box, peer: inbound, towardsListener: true))
                    }
                }
                .connect(host: "127.0.0.1", port: box.targetPort)
                .whenComplete { result in
                    switch result {
                    case .success(let upstream):
                        box.relay?.remember(upstream)
                        inbound.eventLoop.execute {
                            self.peer = upstream
                            for buffer in self.pending { upstream.write(buffer, promise: nil) }
                            self.pending = []
                            upstream.flush()
                        }
                    case .failure:
                        inbound.close(promise: nil)
                    }
                }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            box.relay?.record(Array(buffer.readableBytesView))
            // Until the upstream connection is up, the dialer's first bytes wait here.
            guard let peer else { return pending.append(buffer) }
            peer.writeAndFlush(buffer, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer?.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
