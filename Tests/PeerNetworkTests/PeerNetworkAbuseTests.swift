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

    @Test func garbageAndOversizeFramesAreClosedAndCounted() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        // Validator 1 is never started, so validator 0's only connections are the raw ones.
        let node = try await TestNode(
            index: 0, configuration: roster.configuration(index: 0) { $0.frameSizeMaxBytes = 1024 }, group: group)
        var raws: [any Channel] = []
        do {
            let port = roster.ports[0]
            let oversize = try await rawConnection(to: port, group: group)
            let garbage = try await rawConnection(to: port, group: group)
            raws = [oversize, garbage]
            try await oversize.writeAndFlush(ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff]))
            try await garbage.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 2, 0xee, 0xee]))
            try await waitUntil("both abusers disconnected") { !oversize.isActive && !garbage.isActive }
            let counters = await node.network.counters()
            #expect(counters.protocolViolations == 2)
            #expect(node.messages.values.isEmpty)
            let log = node.logLines.values
            #expect(log.contains { $0.contains("frame length 2147483647 bytes is above the 1024-byte maximum") })
            #expect(log.contains { $0.contains("unknown frame kind tag 238") })
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

    /// Attack F6: a stranger's frame may be as large as the largest handshake frame, not the
    /// 4 MiB an authenticated validator may send; the length prefix alone closes it.
    @Test func strangersCannotSendFullSizeFramesBeforeTheHandshake() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        let node = try await TestNode(index: 0, configuration: roster.configuration(index: 0), group: group)
        let raw = try await rawConnection(to: roster.ports[0], group: group)
        do {
            // 64 KiB: far below frameSizeMaxBytes (4 MiB), far above any handshake frame.
            try await raw.writeAndFlush(ByteBuffer(bytes: [0, 1, 0, 0, 1, 2, 3]))
            try await waitUntil("the stranger disconnected") { !raw.isActive }
            #expect(await node.network.counters().protocolViolations == 1)
            #expect(node.logLines.values.contains { $0.contains("frame length 65536 bytes is above the 1024-byte maximum") })
        } catch {
            try? await raw.close()
            await node.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await node.shutdown()
        try await group.shutdownGracefully()
    }

    /// Attack F2: strangers hold every pending-handshake slot open; a validator that restarts
    /// must still get in. The oldest squatter is closed to make room, never the newcomer.
    @Test func squattersAreEvictedAndAValidatorStillConnects() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        // Validator 1 is squatted; validator 0 (the lower index) dials it as soon as it starts.
        let node = try await TestNode(
            index: 1,
            configuration: roster.configuration(index: 1) { $0.pendingHandshakesMax = 4; $0.pendingHandshakesPerSourceMax = 4 },
            group: group)
        var raws: [any Channel] = []
        var peer: TestNode?
        do {
            for _ in 0..<4 { raws.append(try await rawConnection(to: roster.ports[1], group: group)) }
            try await waitUntil("four squatters pending") {
                node.logLines.values.filter { $0.contains("awaiting handshake") }.count == 4
            }
            // Validator 0 starts and dials in (from the same loopback address as the squatters).
            peer = try await TestNode(index: 0, configuration: roster.configuration(index: 0), group: group)
            try await waitUntil("validator 0 connected despite the squatters") { await node.connectedPeers() == [0] }
            #expect(await node.network.counters().handshakesEvicted >= 1)
            try await waitUntil("the oldest squatter was closed") { !raws[0].isActive }
            #expect(node.logLines.values.contains { $0.contains("to make room for a new connection") })
        } catch {
            for raw in raws { try? await raw.close() }
            await peer?.shutdown()
            await node.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        for raw in raws { try? await raw.close() }
        await peer?.shutdown()
        await node.shutdown()
        try await group.shutdownGracefully()
    }

    /// Attack F7: connect, read the signed reply, close, repeat — the node signed for every
    /// stranger. Beyond its source's burst, a connection is closed before anything is read or
    /// signed, counted, and logged a few times a minute, not once per connection (F8).
    @Test func aSourceDialingTooFastIsRefusedAndTheLogStaysShort() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        let node = try await TestNode(
            index: 0,
            configuration: roster.configuration(index: 0) {
                $0.handshakesPerSourcePerSecond = 0.01
                $0.handshakesPerSourceBurst = 3
            },
            group: group)
        var raws: [any Channel] = []
        do {
            for _ in 0..<20 { raws.append(try await rawConnection(to: roster.ports[0], group: group)) }
            try await waitUntil("17 connections refused") { await node.network.counters().connectionsRefused == 17 }
            try await waitUntil("the refused connections closed") { raws.filter(\.isActive).count == 3 }
            let refusals = node.logLines.values.filter { $0.contains("refused connection from") }
            #expect(refusals.count == 5, "a refusal log line per connection is a log flood")
            #expect(await node.network.counters().logLinesSuppressed == 12)
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
