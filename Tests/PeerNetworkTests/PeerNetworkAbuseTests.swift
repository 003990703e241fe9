import LedgerCrypto
import NIOCore
import NIOPosix
import Testing
@testable import PeerNetwork

/// Raw sockets that never speak the protocol properly, against a real listener.
@Suite(.serialized) struct PeerNetworkAbuseTests {
    func rawConnection(to port: Int, group: any EventLoopGroup) async throws -> any Channel {
        try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
    }

    @Test func garbageOversizeAndHandshakeFloodsAreClosedAndCounted() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        // Validator 1 is never started, so validator 0's only connections are the raw ones.
        let node = try await TestNode(
            index: 0, configuration: roster.configuration(index: 0) { $0.pendingHandshakesMax = 2; $0.frameSizeMaxBytes = 1024 },
            group: group)
        var raws: [any Channel] = []
        do {
            let port = roster.ports[0]
            let oversize = try await rawConnection(to: port, group: group)
            let garbage = try await rawConnection(to: port, group: group)
            raws = [oversize, garbage]
            try await waitUntil("two handshakes pending") { await node.network.counters().framesIn == 0 && node.logLines.values.filter { $0.contains("awaiting handshake") }.count == 2 }
            // A third unauthenticated connection is over the bound: closed at once.
            let flood = try await rawConnection(to: port, group: group)
            raws.append(flood)
            try await waitUntil("flood connection closed") { !flood.isActive }
            #expect(await node.network.counters().connectionsRefused == 1)

            try await oversize.writeAndFlush(ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff]))
            try await garbage.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 2, 0xee, 0xee]))
            try await waitUntil("both abusers disconnected") { !oversize.isActive && !garbage.isActive }
            let counters = await node.network.counters()
            #expect(counters.protocolViolations == 2)
            #expect(node.messages.values.isEmpty)
            let log = node.logLines.values
            #expect(log.contains { $0.contains("frame length 2147483647 bytes is above the 1024-byte maximum") })
            #expect(log.contains { $0.contains("unknown frame kind tag 238") })
            #expect(log.contains { $0.contains("handshakes already pending") })
        } catch {
            for raw in raws { try? await raw.close() }
            await node.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        for raw in raws { try? await raw.close() }
        await node.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func bindFailureIsReportedNotFatal() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let roster = try await TestRoster(count: 2)
        let first = try PeerNetwork(configuration: roster.configuration(index: 0), eventLoopGroup: group)
        try await first.start()
        // Same address, and no SO_REUSEPORT: the second listener cannot bind.
        let second = try PeerNetwork(configuration: roster.configuration(index: 0), eventLoopGroup: group)
        await #expect(throws: PeerNetworkError.self) { try await second.start() }
        await second.shutdown()
        await first.shutdown()
        try await group.shutdownGracefully()
    }
}
