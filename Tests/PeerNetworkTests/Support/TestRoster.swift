import LedgerCrypto
import NIOCore
import NIOPosix
@testable import PeerNetwork

/// Keys, free loopback ports and configurations for a set of test validators.
struct TestRoster: Sendable {
    let keys: [SigningKey]
    let ports: [Int]
    let genesisHash: Digest

    init(count: Int, genesisSeed: String = "test genesis") async throws {
        var keys: [SigningKey] = []
        for _ in 0..<count { keys.append(try SigningKey()) }
        self.keys = keys
        ports = try await reserveFreePorts(count: count)
        genesisHash = SHA256.hash(Array(genesisSeed.utf8))
    }

    init(keys: [SigningKey], ports: [Int], genesisHash: Digest) {
        self.keys = keys
        self.ports = ports
        self.genesisHash = genesisHash
    }

    var identities: [PeerIdentity] {
        keys.indices.map { PeerIdentity(index: $0, publicKey: keys[$0].publicKey, host: "127.0.0.1", port: ports[$0]) }
    }

    /// Fast timings so reconnects and failures show up in milliseconds.
    func configuration(index: Int, customize: (inout PeerNetworkConfiguration) -> Void = { _ in }) -> PeerNetworkConfiguration {
        var configuration = PeerNetworkConfiguration(
            genesisHash: genesisHash, chainID: "greenledger-test", validators: identities, localIndex: index,
            nodeKey: keys[index], backoff: BackoffPolicy(delayInitial: .milliseconds(20), delayMax: .milliseconds(300)),
            handshakeTimeout: .seconds(5), connectTimeout: .seconds(2))
        customize(&configuration)
        return configuration
    }
}

/// Distinct free TCP ports on 127.0.0.1: bound together (so they differ), then released.
/// They are drawn from below Linux's ephemeral range (32768–60999): a port the kernel hands
/// out (port 0) can be taken, between its release and the test's bind, as the source port of
/// another test's outgoing connection — which made these tests flake under load.
func reserveFreePorts(count: Int) async throws -> [Int] {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var channels: [any Channel] = []
    var ports: [Int] = []
    do {
        var attempts = 0
        while ports.count < count {
            attempts += 1
            let candidate = Int.random(in: 20_000..<32_000)
            guard !ports.contains(candidate) else { continue }
            do {
                let channel = try await ServerBootstrap(group: group)
                    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: "127.0.0.1", port: candidate).get()
                channels.append(channel)
                ports.append(candidate)
            } catch where attempts < 200 {
                continue
            }
        }
    } catch {
        for channel in channels { try? await channel.close() }
        try await group.shutdownGracefully()
        throw error
    }
    for channel in channels { try? await channel.close() }
    try await group.shutdownGracefully()
    return ports
}
