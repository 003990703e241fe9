import LedgerCrypto
import NIOCore
import NIOPosix
import Testing
@testable import PeerNetwork

/// Attack F5 on real sockets: a relay sits on the only link between two validators. It sees
/// every byte (a passive capture) and can write its own (an active attacker with no key).
@Suite(.serialized) struct EncryptedLinkTests {
    struct RelayedPair {
        let group: MultiThreadedEventLoopGroup
        let roster: TestRoster
        let relay: RecordingRelay
        let dialer: TestNode
        let listener: TestNode

        /// Validator 0 reaches validator 1 only through the relay; validator 1 cannot dial back
        /// (it has validator 0 at a port nobody listens on).
        static func start() async throws -> RelayedPair {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            let roster = try await TestRoster(count: 2)
            let relay = try await RecordingRelay.start(group: group, targetPort: roster.ports[1])
            let deadPort = try await reserveFreePorts(count: 1)[0]
            let listener = try await TestNode(index: 1, configuration: roster.configuration(index: 1) { $0.validators[0].port = deadPort }, group: group)
            let dialer = try await TestNode(index: 0, configuration: roster.configuration(index: 0) { $0.validators[1].port = relay.port }, group: group)
            let pair = RelayedPair(group: group, roster: roster, relay: relay, dialer: dialer, listener: listener)
            try await waitUntil("the relayed link is up") {
                let dialerPeers = await dialer.connectedPeers()
                let listenerPeers = await listener.connectedPeers()
                return dialerPeers == [1] && listenerPeers == [0]
            }
            return pair
        }

        func stop() async throws {
            await dialer.shutdown()
            await listener.shutdown()
            await relay.close()
            try await group.shutdownGracefully()
        }

        func run(_ body: (RelayedPair) async throws -> Void) async throws {
            do { try await body(self) } catch {
                try? await stop()
                throw error
            }
            try await stop()
        }
    }

    @Test("a capture of a peer link shows neither the handshake nor a transaction's bytes")
    func captureShowsNothing() async throws {
        try await RelayedPair.start().run { pair in
            let purpose = Array("purpose: reforestation of the Loess Plateau, EUR 999,000 of green bond proceeds".utf8)
            let reply = Array("commit vote for block 7 of the green ledger, validator 1".utf8)
            try pair.dialer.network.send(purpose, to: 1)
            try pair.listener.network.send(reply, to: 0)
            try await waitUntil("both messages arrived") {
                pair.listener.messages.values.contains { $0.payload == purpose } && pair.dialer.messages.values.contains { $0.payload == reply }
            }
            let captured = pair.relay.captured
            #expect(captured.count > purpose.count + reply.count, "the relay saw the link's traffic")
            #expect(!captured.contains(subsequence: Array(purpose.prefix(16))), "the transaction's purpose is readable on the wire")
            #expect(!captured.contains(subsequence: Array(reply.prefix(16))))
            // The link's own handshake names the genesis hash: not in clear either.
            #expect(!captured.contains(subsequence: Array(pair.roster.genesisHash.bytes.prefix(16))))
        }
    }

    @Test("frames a relay without the key writes into a link are never delivered; the link recovers")
    func injectedFramesAreRefused() async throws {
        try await RelayedPair.start().run { pair in
            let forged = Array("forged: transfer everything to the relay".utf8)
            try await pair.relay.inject(Array(WireMessage.message(forged).frame(allocator: ByteBufferAllocator()).readableBytesView))
            try await waitUntil("validator 1 dropped the tampered link") {
                pair.listener.events.values.contains { if case .disconnected(validatorIndex: 0, _) = $0 { true } else { false } }
            }
            #expect(!pair.listener.messages.values.contains { $0.payload == forged })
            // Validator 0 dials again; the new link works.
            try await waitUntil("the link is back", timeout: .seconds(30)) {
                let dialerPeers = await pair.dialer.connectedPeers()
                let listenerPeers = await pair.listener.connectedPeers()
                return dialerPeers == [1] && listenerPeers == [0]
            }
            let after = Array("after the attack".utf8)
            try pair.dialer.network.send(after, to: 1)
            try await waitUntil("a message arrives on the new link") { pair.listener.messages.values.contains { $0.payload == after } }
            #expect(!pair.listener.messages.values.contains { $0.payload == forged })
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if Array(self[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
