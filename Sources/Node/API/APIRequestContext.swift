import Hummingbird
import NIOCore

/// The client API's request context: Hummingbird's basics and the client's address, which
/// the per-client budget of invalid-signature work is kept by.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected client (nil if the socket no longer says).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address, the key of its budgets.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}
