import Logging
import NIOCore
@testable import PeerNetwork

/// One running `PeerNetwork` with everything it emitted recorded.
final class TestNode: Sendable {
    let index: Int
    let network: PeerNetwork
    let messages = Recorder<InboundMessage>()
    let events = Recorder<PeerEvent>()
    let logLines = Recorder<String>()
    private let consumers: [Task<Void, Never>]

    init(index: Int, configuration: PeerNetworkConfiguration, group: any EventLoopGroup) async throws {
        self.index = index
        network = try PeerNetwork(
            configuration: configuration, eventLoopGroup: group, logger: RecordingLogHandler.logger(recordingInto: logLines))
        let network = self.network
        let messages = self.messages
        let events = self.events
        consumers = [
            Task { for await message in network.messages { messages.append(message) } },
            Task { for await event in network.events { events.append(event) } },
        ]
        try await network.start()
    }

    /// Validators this node currently has a link to, per its counters.
    func connectedPeers() async -> Set<Int> {
        Set(await network.counters().peers.filter(\.isConnected).map(\.validatorIndex))
    }

    func shutdown() async {
        await network.shutdown()
        for consumer in consumers { await consumer.value }
    }
}
