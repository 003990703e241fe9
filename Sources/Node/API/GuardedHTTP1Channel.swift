import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import NIOSSL

/// Hummingbird's HTTP/1.1 child channel with the request deadlines in front: the raw-byte
/// `RequestDeadlineHandler` first in the pipeline, `RequestProgressHandler` after the
/// decoder (as an additional handler). Everything else is Hummingbird's own.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: APIConfiguration
    let stats: APIConnectionStats
    /// The TLS server context when the API serves HTTPS; a failure (the node checks the
    /// certificate and key before it starts, so only in theory) refuses every connection
    /// rather than serve plain HTTP where HTTPS was configured.
    let tls: Result<NIOSSLContext, APITLSError>?

    init(responder: @escaping HTTPChannelHandler.Responder, limits: APIConfiguration, stats: APIConnectionStats, tls: Result<NIOSSLContext, APITLSError>?) {
        var configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestProgressHandler()],
            idleTimeout: .nanoseconds(Int64(limits.idleTimeoutSeconds * 1e9)))
        configuration.httpDecoder = .init(
            maxHeaderFieldSize: limits.headerBytesMax, maxHeaderListSize: limits.headerBytesMax, maxHeaderFieldCount: 100)
        inner = HTTP1Channel(responder: responder, configuration: configuration)
        self.limits = limits
        self.stats = stats
        self.tls = tls
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let source = channel.remoteAddress?.ipAddress ?? "unknown"
        guard stats.admit(source, max: limits.connectionsPerSourceMax) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.inputClosed)
        }
        let stats = self.stats
        channel.closeFuture.whenComplete { _ in stats.release(source) }
        do {
            switch tls {
            case .success(let context)?:
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeDeadlineHandler(seconds: limits.headerTimeoutSeconds, stats: stats))
            case .failure(let error)?: throw error
            case nil: break
            }
            try channel.pipeline.syncOperations.addHandler(
                RequestDeadlineHandler(progress: RequestProgress(limits: limits, stats: stats)))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
