import LedgerCrypto
import NIOCore
import NIOPosix
import Testing
@testable import PeerNetwork

/// Real sockets on 127.0.0.1. Serialized: each test runs several endpoints on a shared
/// 2-thread event loop group, and the machine has 2 cores.
@Suite(.serialized) struct PeerNetworkLoopbackTests {
    /// Starts `indices` of `roster` (all by default) and waits until they are fully meshed.
    func startCluster(
        _ roster: TestRoster, indices: [Int]? = nil, group: any EventLoopGroup,
        customize: (inout PeerNetworkConfiguration) -> Void = { _ in }
    ) async throws -> [Int: TestNode] {
        var nodes: [Int: TestNode] = [:]
        for index in indices ?? Array(roster.keys.indices) {
            nodes[index] = try await TestNode(index: index, configuration: roster.configuration(index: index, customize: customize), group: group)
        }
        try await waitUntilMeshed(nodes)
        return nodes
    }

    func waitUntilMeshed(_ nodes: [Int: TestNode]) async throws {
        for (index, node) in nodes {
            let others = Set(nodes.keys).subtracting([index])
            try await waitUntil("validator \(index) linked to \(others.sorted())") { await node.connectedPeers() == others }
        }
    }

    /// Whether every node has a link to every other and both ends name the same socket pair.
    func linksAgree(_ nodes: [Int: TestNode]) async -> Bool {
        for (index, node) in nodes {
            let endpoints = await node.network.linkEndpoints()
            guard endpoints.count == nodes.count - 1 else { return false }
            for (peer, link) in endpoints {
                guard let theirs = await nodes[peer]?.network.linkEndpoints()[index],
                    theirs == LinkEndpoints(local: link.remote, remote: link.local)
                else { return false }
            }
        }
        return true
    }

    func shutdown(_ nodes: [Int: TestNode], _ group: MultiThreadedEventLoopGroup) async throws {
        for node in nodes.values { await node.shutdown() }
        try await group.shutdownGracefully()
    }

    @Test func fourValidatorsMeshAndDeliverAttributedMessages() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 4)
        let nodes = try await startCluster(roster, group: group)
        do {
            // Every pair settles on one TCP connection: my local end is your remote end.
            // (Waited for, not asserted at once: a crossing dial may still be retiring.)
            try await waitUntil("every pair uses one shared connection") { await linksAgree(nodes) }
            // Each validator broadcasts two messages and sends one directly to its successor.
            let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            for index in 0..<4 {
                try nodes[index]!.network.broadcast([UInt8(index), 1])
                try nodes[index]!.network.broadcast([UInt8(index), 2] + big)
                try nodes[index]!.network.send([UInt8(index), 3], to: (index + 1) % 4)
            }
            for index in 0..<4 {
                let node = nodes[index]!
                try await waitUntil("validator \(index) received 7 messages") { node.messages.count >= 7 }
                let received = node.messages.values
                #expect(received.count == 7)
                for sender in 0..<4 where sender != index {
                    let fromSender = received.filter { $0.sender == sender }.map(\.payload)
                    var expected: [[UInt8]] = [[UInt8(sender), 1], [UInt8(sender), 2] + big]
                    if (sender + 1) % 4 == index { expected.append([UInt8(sender), 3]) }
                    // Per sender, intact and in order.
                    #expect(fromSender == expected, "validator \(index) from \(sender)")
                }
            }
            let counters = await nodes[0]!.network.counters()
            #expect(counters.messagesIn == 7)
            #expect(counters.messagesOut == 7)
            #expect(counters.handshakeFailures == 0)
            #expect(counters.protocolViolations == 0)
            #expect(counters.bytesIn > UInt64(3 * big.count))
            #expect(nodes[0]!.logLines.values.contains { $0.contains("connected to validator 2 at 127.0.0.1:\(roster.ports[2])") })
        } catch {
            try await shutdown(nodes, group)
            throw error
        }
        try await shutdown(nodes, group)
    }

    @Test func strangersImpostorsAndOtherChainsAreRefused() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        // Validators 0–2 run; validator 3's slot stays empty for the intruders to claim.
        let roster = try await TestRoster(count: 4)
        let nodes = try await startCluster(roster, indices: [0, 1, 2], group: group)
        var intruders: [TestNode] = []
        do {
            let strangerKey = try SigningKey()
            let strangerPort = try await reserveFreePorts(count: 1)[0]
            // A stranger: same genesis hash, but it adds itself as a fifth validator.
            let stranger = roster.configuration(index: 0) {
                $0.validators.append(PeerIdentity(index: 4, publicKey: strangerKey.publicKey, host: "127.0.0.1", port: strangerPort))
                $0.localIndex = 4
                $0.nodeKey = strangerKey
            }
            // An impostor: claims validator 3's slot but holds another key.
            let impostor = roster.configuration(index: 3) {
                $0.validators[3].publicKey = strangerKey.publicKey
                $0.nodeKey = strangerKey
            }
            // Validator 3's genuine key, but on another chain.
            let otherChain = roster.configuration(index: 3) { $0.genesisHash = SHA256.hash(Array("another chain".utf8)) }
            for configuration in [stranger, impostor, otherChain] {
                let intruder = try await TestNode(index: configuration.localIndex, configuration: configuration, group: group)
                // Each intruder's dials are refused; it is stopped before the next one starts,
                // so the refusals each validator logs come from one cause at a time.
                try await waitUntil("intruder refused by validators 0–2") {
                    await intruder.network.counters().handshakeFailures >= 3
                }
                await intruder.shutdown()
                intruders.append(intruder)
            }
            // The stranger's and the impostor's keys are no genesis validator's: TLS refuses them.
            let refusals = ["TLS certificate refused: its TLS certificate's key is no genesis validator's", "genesis hash mismatch"]
            for index in 0..<3 {
                let node = nodes[index]!
                try await waitUntil("validator \(index) counted the refusals") { await node.network.counters().handshakeFailures >= 3 }
                // The counter alone can reach 3 on one intruder's retries; wait for each cause's line.
                try await waitUntil("validator \(index) logged every refusal") {
                    let log = node.logLines.values
                    return refusals.allSatisfy { reason in log.contains { $0.contains("refused handshake") && $0.contains(reason) } }
                }
                #expect(node.messages.values.isEmpty)
                #expect(!node.events.values.contains { event in
                    if case .connected(let peer, _) = event { return peer >= 3 }
                    return false
                })
            }
            for intruder in intruders {
                #expect(intruder.messages.values.isEmpty)
                #expect(!intruder.events.values.contains { if case .connected = $0 { true } else { false } })
            }
            // The stranger learns only that TLS failed; the genuine key on another chain is told why.
            #expect(intruders[0].logLines.values.contains { $0.contains("TLS handshake failed") })
            #expect(intruders[2].logLines.values.contains { $0.contains("refused by the peer") && $0.contains("genesis hash mismatch") })
        } catch {
            for intruder in intruders { await intruder.shutdown() }
            try await shutdown(nodes, group)
            throw error
        }
        try await shutdown(nodes, group)
    }

    @Test func killedPeerIsReconnectedWhenItComesBack() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 4)
        var nodes = try await startCluster(roster, group: group)
        do {
            await nodes[2]!.shutdown()
            nodes[2] = nil
            for index in [0, 1, 3] {
                let node = nodes[index]!
                try await waitUntil("validator \(index) saw validator 2 go") {
                    node.events.values.contains { if case .disconnected(validatorIndex: 2, _) = $0 { true } else { false } }
                }
            }
            // While 2 is down, 0 keeps dialing it (refused) with backoff.
            try await waitUntil("validator 0 retried validator 2") { await nodes[0]!.network.counters().reconnectAttempts >= 2 }
            // Validator 0 sends while 2 is down: the message waits in the bounded queue.
            try nodes[0]!.network.send([42], to: 2)

            nodes[2] = try await TestNode(index: 2, configuration: roster.configuration(index: 2), group: group)
            try await waitUntilMeshed(nodes)
            let reborn = nodes[2]!
            try await waitUntil("queued message delivered after reconnect") { reborn.messages.values.contains { $0.sender == 0 } }
            #expect(reborn.messages.values == [InboundMessage(sender: 0, payload: [42])])
            try nodes[3]!.network.send([7, 7], to: 2)
            try await waitUntil("fresh message over the new link") { reborn.messages.count >= 2 }
            #expect(reborn.messages.values.last == InboundMessage(sender: 3, payload: [7, 7]))
            for index in [0, 1, 3] {
                let counters = await nodes[index]!.network.counters()
                #expect(counters.reconnects >= 1, "validator \(index)")
                #expect(counters.linksLost >= 1, "validator \(index)")
            }
            #expect(nodes[0]!.logLines.values.contains { $0.contains("lost link to validator 2") })
        } catch {
            try await shutdown(nodes, group)
            throw error
        }
        try await shutdown(nodes, group)
    }

    @Test func peerThatStopsReadingDoesNotGrowSenderMemory() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        let queueMaxFrames = 8
        let highWatermarkBytes = 64 << 10
        let nodes = try await startCluster(roster, group: group) {
            $0.sendQueueMaxFrames = queueMaxFrames
            $0.writeBufferHighWatermarkBytes = highWatermarkBytes
        }
        do {
            let sender = nodes[0]!.network
            await nodes[1]!.network.setReading(false)
            // 2000 × 64 KiB = 125 MiB offered to a peer that reads nothing.
            let message = [UInt8](repeating: 0x5a, count: 64 << 10)
            let frameBytes = message.count + 5
            let sendCount = 2000
            var peakQueuedBytes = 0
            var peakSocketBytes = 0
            for round in 0..<sendCount {
                try sender.send(message, to: 1)
                if round % 100 == 99 {
                    let link = await sender.counters().peers[0]
                    peakQueuedBytes = max(peakQueuedBytes, link.queuedBytes)
                    peakSocketBytes = max(peakSocketBytes, link.socketBufferedBytes)
                    #expect(link.queuedFrames <= queueMaxFrames)
                }
            }
            try await waitUntil("every offered message is on the socket, queued or dropped") {
                let counters = await sender.counters()
                return counters.messagesOut + UInt64(counters.peers[0].queuedFrames) + counters.sendQueueDrops == UInt64(sendCount)
            }
            let counters = await sender.counters()
            let link = counters.peers[0]
            peakQueuedBytes = max(peakQueuedBytes, link.queuedBytes)
            peakSocketBytes = max(peakSocketBytes, link.socketBufferedBytes)
            // The kernel takes a few MiB at most; the rest must have been dropped, not buffered.
            #expect(counters.sendQueueDrops > UInt64(sendCount / 2))
            #expect(peakQueuedBytes <= queueMaxFrames * frameBytes)
            #expect(peakSocketBytes <= highWatermarkBytes + frameBytes)
            #expect(link.isConnected)
            #expect(nodes[0]!.logLines.values.contains { $0.contains("send queue to validator 1 full") })

            // Once the peer reads again, the link recovers and fresh messages arrive.
            await nodes[1]!.network.setReading(true)
            try sender.send([1, 2, 3], to: 1)
            try await waitUntil("the peer drains and gets the fresh message") {
                nodes[1]!.messages.values.last?.payload == [1, 2, 3]
            }
        } catch {
            try await shutdown(nodes, group)
            throw error
        }
        try await shutdown(nodes, group)
    }

    @Test func simultaneousDialsSettleOnOneSharedLink() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        // Both sides dial within a millisecond of each other.
        let nodes = try await startCluster(roster, group: group) {
            $0.backoff = BackoffPolicy(delayInitial: .milliseconds(1), delayMax: .milliseconds(50))
        }
        do {
            // Whether or not the dials crossed, both ends end on the same single connection.
            try await waitUntil("both ends use the same TCP connection") { await linksAgree(nodes) }
            for value in UInt8(0)..<50 {
                try nodes[0]!.network.send([value], to: 1)
                try nodes[1]!.network.send([value], to: 0)
            }
            try await waitUntil("50 messages each way") { nodes[0]!.messages.count == 50 && nodes[1]!.messages.count == 50 }
            #expect(nodes[1]!.messages.values.map(\.payload) == (UInt8(0)..<50).map { [$0] })
            // One logical link: a replaced connection is not reported as a new connection.
            for node in nodes.values {
                let events = node.events.values
                let connected = events.filter { if case .connected = $0 { true } else { false } }.count
                let disconnected = events.filter { if case .disconnected = $0 { true } else { false } }.count
                #expect(connected >= 1 && connected - disconnected == 1, "\(events)")
            }
        } catch {
            try await shutdown(nodes, group)
            throw error
        }
        try await shutdown(nodes, group)
    }

    @Test func sendRefusesUnknownValidatorsAndOversizeMessages() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let roster = try await TestRoster(count: 2)
        let network = try PeerNetwork(
            configuration: roster.configuration(index: 0) { $0.frameSizeMaxBytes = 1024 }, eventLoopGroup: group,
            logger: RecordingLogHandler.logger(recordingInto: Recorder<String>()))
        #expect(throws: PeerNetworkError.unknownValidator(index: 0)) { try network.send([1], to: 0) }
        #expect(throws: PeerNetworkError.unknownValidator(index: 5)) { try network.send([1], to: 5) }
        #expect(throws: PeerNetworkError.messageTooLarge(sizeBytes: 1024, maxBytes: 1023)) {
            try network.broadcast([UInt8](repeating: 0, count: 1024))
        }
        await network.shutdown()
        try await group.shutdownGracefully()
    }
}
