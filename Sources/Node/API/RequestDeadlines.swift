import NIOCore
import NIOHTTPTypes

/// Where one connection's current request is, and the one timer that bounds it. Shared by
/// the connection's two deadline handlers; confined to the connection's event loop.
final class RequestProgress: @unchecked Sendable {
    enum Phase { case idle, head, body, responding, closing }

    var phase = Phase.idle
    private var timer: Scheduled<Void>?
    let limits: APIConfiguration
    let stats: APIConnectionStats

    init(limits: APIConfiguration, stats: APIConnectionStats) {
        self.limits = limits
        self.stats = stats
    }

    /// Closes `channel` after `seconds` unless the phase moves on first.
    func arm(_ phase: Phase, seconds: Double, on channel: any Channel, onExpiry: @escaping @Sendable () -> Void) {
        timer?.cancel()
        self.phase = phase
        timer = channel.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            guard self.phase == phase else { return }
            self.phase = .closing
            onExpiry()
            channel.close(promise: nil)
        }
    }

    func disarm(_ phase: Phase) {
        timer?.cancel()
        timer = nil
        self.phase = phase
    }
}

/// First in a client connection's pipeline, on raw bytes: the first byte of a request starts
/// the clock for its head (`headerTimeoutSeconds`), so a head sent a byte at a time, or a
/// request the decoder rejected while the client keeps the socket open, cannot hold a
/// connection for good (attack F4). Counts open connections.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let progress: RequestProgress

    init(progress: RequestProgress) {
        self.progress = progress
    }

    func channelActive(context: ChannelHandlerContext) {
        progress.stats.update { $0.open += 1 }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        progress.stats.update { $0.open -= 1 }
        progress.disarm(.closing)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if progress.phase == .idle {
            let stats = progress.stats
            progress.arm(.head, seconds: progress.limits.headerTimeoutSeconds, on: context.channel) {
                stats.update { $0.headerTimeouts += 1 }
            }
        }
        context.fireChannelRead(data)
    }
}

/// After the HTTP decoder: a decoded head stops the head clock and starts the body's
/// (`bodyTimeoutSeconds`); the request's end stops it (the handler's own work, such as a
/// bounded `?wait=true`, is not timed here); the response's end makes the connection idle
/// (Hummingbird's idle timeout then applies). A malformed request is answered 400 by
/// Hummingbird; the connection is closed a moment later even if the client keeps it open.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long the 400 for a malformed request may take to leave before the close.
    static let closeAfterMalformedSeconds = 1.0
    private var progress: RequestProgress?

    func handlerAdded(context: ChannelHandlerContext) {
        progress = try? context.pipeline.syncOperations.handler(type: RequestDeadlineHandler.self).progress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let progress {
            switch unwrapInboundIn(data) {
            case .head:
                let stats = progress.stats
                progress.arm(.body, seconds: progress.limits.bodyTimeoutSeconds, on: context.channel) {
                    stats.update { $0.bodyTimeouts += 1 }
                }
            case .body:
                break
            case .end:
                progress.disarm(.responding)
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let progress, case .end = unwrapOutboundIn(data), progress.phase == .responding {
            progress.disarm(.idle)
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let progress, progress.phase != .closing {
            let stats = progress.stats
            stats.update { $0.malformedRequests += 1 }
            progress.arm(.closing, seconds: Self.closeAfterMalformedSeconds, on: context.channel) {}
        }
        context.fireErrorCaught(error)
    }
}
