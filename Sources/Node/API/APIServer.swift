import Hummingbird
import HummingbirdCore
import Logging
import NIOSSL
import NIOCore

/// The node's HTTP/JSON client API on Hummingbird 2 (a well-kept Swift server on SwiftNIO,
/// which the node already uses), over a `NodeService`. Endpoints and shapes: docs/api.md.
public struct APIServer<Service: NodeService>: Sendable {
    public let service: Service
    public let configuration: APIConfiguration
    /// Open connections and those closed for slowness, across this server's life.
    public let connectionStats = APIConnectionStats()
    /// Each client's budget of invalid-signature work, across this server's life.
    let invalidSignatures: InvalidSignatureBudget
    private let logger: Logger

    public init(service: Service, configuration: APIConfiguration = APIConfiguration(), logger: Logger = Logger(label: "greenledger.api")) {
        self.service = service
        self.configuration = configuration
        invalidSignatures = InvalidSignatureBudget(
            perSecond: configuration.invalidSignaturesPerSecond, burst: configuration.invalidSignaturesBurst)
        self.logger = logger
    }

    /// The router with every endpoint.
    public func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        APIRoutes(
            service: service, configuration: configuration, logger: logger, invalidSignatures: invalidSignatures,
            connectionStats: connectionStats).register(on: router)
        return router
    }

    /// The Hummingbird application: a `Service` the node can put in its `ServiceGroup`.
    /// `onListening` receives the bound port (useful with port 0).
    public func application(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let logger = self.logger
        let configuration = self.configuration
        let stats = connectionStats
        let tls: Result<NIOSSLContext, APITLSError>? = configuration.tls.map { tls in Result { () throws(APITLSError) in try tls.makeServerContext() } }
        return Application(
            router: router(),
            server: HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limits: configuration, stats: stats, tls: tls) },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "greenledger",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.connectionsMax, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.notice("client API listening", metadata: ["host": "\(configuration.host)", "port": "\(port)", "scheme": "\(configuration.tls == nil ? "http" : "https")"])
                if configuration.tls == nil, !configuration.isLoopbackHost {
                    logger.warning(
                        "the client API serves plain HTTP on \(configuration.host), which is not a loopback address: anyone on the path reads and alters requests and answers. Keep it on 127.0.0.1, or set apiCertificate and apiPrivateKey in node.json to serve HTTPS (docs/operations.md)")
                }
                await onListening(port)
            },
            logger: logger)
    }

    /// Serves until the calling task is cancelled (or SIGTERM/SIGINT when `handleSignals`).
    /// Cancellation stops at once, cutting requests in progress; for a graceful stop put
    /// `application()` in the node's `ServiceGroup` and trigger its graceful shutdown.
    public func run(handleSignals: Bool = false, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onListening: onListening).runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
        logger.notice("client API stopped")
    }
}
