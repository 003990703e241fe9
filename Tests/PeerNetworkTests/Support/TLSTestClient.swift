import LedgerCrypto
import NIOCore
import NIOPosix
import NIOSSL
@testable import PeerNetwork

/// A TLS client holding one validator's genuine key, which then writes whatever a test wants:
/// a faulty validator past the TLS layer, before (or instead of) the link's handshake.
enum TLSTestClient {
    static func connect(
        group: any EventLoopGroup, port: Int, as index: Int, roster: TestRoster
    ) async throws -> any Channel {
        let tls = try PeerTLS(nodeKey: roster.keys[index], localIndex: index, validators: roster.identities)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: tls.clientContext, serverHostname: nil,
                        customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return channel
    }
}
