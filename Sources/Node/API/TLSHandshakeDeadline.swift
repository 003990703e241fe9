import NIOCore
import NIOTLS

/// Right after the TLS handler of an HTTPS connection: the handshake must complete within
/// `headerTimeoutSeconds` of the connection opening. Until it does no byte reaches the HTTP
/// deadlines, so without this a socket opened and left silent held a connection slot (and a
/// file descriptor) for the whole idle timeout.
final class TLSHandshakeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let seconds: Double
    let stats: APIConnectionStats
    private var timer: Scheduled<Void>?

    init(seconds: Double, stats: APIConnectionStats) {
        self.seconds = seconds
        self.stats = stats
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let channel = context.channel
        let stats = self.stats
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
            stats.update { $0.tlsHandshakeTimeouts += 1 }
            channel.close(promise: nil)
        }
    }
}
