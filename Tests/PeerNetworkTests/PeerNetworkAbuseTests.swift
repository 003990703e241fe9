import LedgerCrypto
import NIOCore
import NIOPosix
import Testing
@testable import PeerNetwork

/// Raw sockets that never speak the protocol properly, against a real listener.
@Suite(.serialized) struct PeerNetworkAbuseTests {
    /// One listening validator, the raw connections a test opens against it and the peers it
    /// starts, all closed by `tearDown` whether the test passed or threw.
    final class Fixture: @unchecked Sendable {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster: TestRoster
        let node: TestNode
        var raws: [any Channel] = []
        var peers: [TestNode] = []

        init(index: Int = 0, _ customize: (inout PeerNetworkConfiguration) -> Void = { _ in }) async throws {
            roster = try await TestRoster(count: 2)
            node = try await TestNode(index: index, configuration: roster.configuration(index: index, customize: customize), group: group)
        }

        func raw(to index: Int) async throws -> any Channel {
            let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: roster.ports[index]).get()
            raws.append(channel)
            return channel
        }

        /// Past TLS with validator `index`'s genuine key, nothing sent yet.
        func tls(to port: Int, as index: Int) async throws -> any Channel {
            let channel = try await TLSTestClient.connect(group: group, port: port, as: index, roster: roster)
            raws.append(channel)
            return channel
        }

        func tearDown() async throws {
            for raw in raws { try? await raw.close() }
            for peer in peers { await peer.shutdown() }
            await node.shutdown()
            try await group.shutdownGracefully()
        }

        /// Runs `body`, then tears down (also when `body` throws).
        func run(_ body: (Fixture) async throws -> Void) async throws {
            do { try await body(self) } catch {
                try? await tearDown()
                throw error
            }
            try await tearDown()
        }
    }

    /// A validator's genuine key gets past TLS; what it sends before the link's handshake is
    /// still held to handshake frames.
    @Test func garbageAndOversizeFramesAreClosedAndCounted() async throws {
        // Validator 1 is never started: its key is the faulty validator's.
        try await Fixture { $0.frameSizeMaxBytes = 1024 }.run { fixture in
            let oversize = try await fixture.tls(to: fixture.roster.ports[0], as: 1)
            let garbage = try await fixture.tls(to: fixture.roster.ports[0], as: 1)
            try await oversize.writeAndFlush(ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff]))
            try await garbage.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 2, 0xee, 0xee]))
            try await waitUntil("both abusers disconnected") { !oversize.isActive && !garbage.isActive }
            let counters = await fixture.node.network.counters()
            #expect(counters.protocolViolations == 2)
            #expect(fixture.node.messages.values.isEmpty)
            let log = fixture.node.logLines.values
            #expect(log.contains { $0.contains("frame length 2147483647 bytes is above the 1024-byte maximum") })
            #expect(log.contains { $0.contains("unknown frame kind tag 238") })
        }
    }

    /// Attack F6: a frame before the handshake may be as large as the largest handshake frame,
    /// not the 4 MiB an authenticated validator may send; the length prefix alone closes it.
    @Test func strangersCannotSendFullSizeFramesBeforeTheHandshake() async throws {
        try await Fixture().run { fixture in
            let peer = try await fixture.tls(to: fixture.roster.ports[0], as: 1)
            // 64 KiB: far below frameSizeMaxBytes (4 MiB), far above any handshake frame.
            try await peer.writeAndFlush(ByteBuffer(bytes: [0, 1, 0, 0, 1, 2, 3]))
            try await waitUntil("the peer disconnected") { !peer.isActive }
            #expect(await fixture.node.network.counters().protocolViolations == 1)
            #expect(fixture.node.logLines.values.contains { $0.contains("frame length 65536 bytes is above the 1024-byte maximum") })
        }
    }

    /// Attack F5: without TLS, or with a key genesis does not list, nothing is read at all.
    @Test func plaintextAndStrangerCertificatesAreRefusedBeforeAFrameIsRead() async throws {
        try await Fixture().run { fixture in
            // The link's own hello, in clear, as the first wave's peers spoke it.
            let plain = try await fixture.raw(to: 0)
            try await plain.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 2, 0x01, 0x01]))
            try await waitUntil("the plaintext peer disconnected") { !plain.isActive }
            // A TLS client with a key of its own.
            let outsiderRoster = TestRoster(keys: [try SigningKey(), try SigningKey()], ports: fixture.roster.ports, genesisHash: fixture.roster.genesisHash)
            let outsider = try await TLSTestClient.connect(group: fixture.group, port: fixture.roster.ports[0], as: 1, roster: outsiderRoster)
            try? await outsider.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 2, 0x01, 0x01]))
            try await waitUntil("the outsider disconnected") { !outsider.isActive }
            try await waitUntil("both refusals counted") { await fixture.node.network.counters().handshakeFailures >= 2 }
            #expect(await fixture.node.network.counters().protocolViolations == 0)
            #expect(fixture.node.messages.values.isEmpty)
            let log = fixture.node.logLines.values
            #expect(log.contains { $0.contains("TLS certificate refused: its TLS certificate's key is no genesis validator's") })
            #expect(log.contains { $0.contains("TLS handshake failed") })
        }
    }

    /// Attack F2: strangers hold every pending-handshake slot open; a validator that restarts
    /// must still get in. The oldest squatter is closed to make room, never the newcomer.
    @Test func squattersAreEvictedAndAValidatorStillConnects() async throws {
        // Validator 1 is squatted; validator 0 (the lower index) dials it as soon as it starts.
        try await Fixture(index: 1) { $0.pendingHandshakesMax = 4; $0.pendingHandshakesPerSourceMax = 4 }.run { fixture in
            for _ in 0..<4 { _ = try await fixture.raw(to: 1) }
            try await waitUntil("four squatters pending") {
                fixture.node.logLines.values.filter { $0.contains("awaiting handshake") }.count == 4
            }
            // Validator 0 starts and dials in (from the same loopback address as the squatters).
            fixture.peers.append(try await TestNode(index: 0, configuration: fixture.roster.configuration(index: 0), group: fixture.group))
            try await waitUntil("validator 0 connected despite the squatters") { await fixture.node.connectedPeers() == [0] }
            #expect(await fixture.node.network.counters().handshakesEvicted >= 1)
            try await waitUntil("the oldest squatter was closed") { !fixture.raws[0].isActive }
            #expect(fixture.node.logLines.values.contains { $0.contains("to make room for a new connection") })
        }
    }

    /// Attack F7: connect, read the signed reply, close, repeat — the node signed for every
    /// stranger. Beyond its source's burst, a connection is closed before anything is read or
    /// signed, counted, and logged a few times a minute, not once per connection (F8).
    @Test func aSourceDialingTooFastIsRefusedAndTheLogStaysShort() async throws {
        try await Fixture { $0.handshakesPerSourcePerSecond = 0.01; $0.handshakesPerSourceBurst = 3 }.run { fixture in
            for _ in 0..<20 { _ = try await fixture.raw(to: 0) }
            try await waitUntil("17 connections refused") { await fixture.node.network.counters().connectionsRefused == 17 }
            try await waitUntil("the refused connections closed") { fixture.raws.filter(\.isActive).count == 3 }
            let refusals = fixture.node.logLines.values.filter { $0.contains("refused connection from") }
            #expect(refusals.count == 5, "a refusal log line per connection is a log flood")
            #expect(await fixture.node.network.counters().logLinesSuppressed == 12)
        }
    }

    @Test func bindFailureIsReportedNotFatal() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let roster = try await TestRoster(count: 2)
        let quiet = RecordingLogHandler.logger(recordingInto: Recorder<String>())
        let first = try PeerNetwork(configuration: roster.configuration(index: 0), eventLoopGroup: group, logger: quiet)
        try await first.start()
        // Same address, and no SO_REUSEPORT: the second listener cannot bind.
        let second = try PeerNetwork(configuration: roster.configuration(index: 0), eventLoopGroup: group, logger: quiet)
        await #expect(throws: PeerNetworkError.self) { try await second.start() }
        await second.shutdown()
        await first.shutdown()
        try await group.shutdownGracefully()
    }
}
