import LedgerCrypto
import NIOCore
import NIOPosix
import Testing
@testable import PeerNetwork

/// Attack F3: a faulty validator floods large messages while the node is busy. What waits for
/// the node is bounded per sender in bytes, not only in messages.
@Suite(.serialized) struct InboundBudgetTests {
    @Test("a validator's waiting messages are bounded in bytes; the node reading them frees its share")
    func floodIsBoundedPerSender() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        // Validator 0 is a node that does not read its messages yet (busy executing, say).
        let busy = try PeerNetwork(
            configuration: roster.configuration(index: 0) {
                $0.frameSizeMaxBytes = 256 << 10
                $0.inboundBytesPerPeerMax = 1 << 20
            },
            eventLoopGroup: group, logger: RecordingLogHandler.logger(recordingInto: Recorder<String>()))
        try await busy.start()
        let flooder = try await TestNode(index: 1, configuration: roster.configuration(index: 1) { $0.frameSizeMaxBytes = 256 << 10 }, group: group)
        do {
            try await waitUntil("linked") { await flooder.connectedPeers() == [0] }
            let message = [UInt8](repeating: 0xab, count: 200_000)
            for _ in 0..<40 { try flooder.network.send(message, to: 0) }
            try await waitUntil("all 40 reached validator 0's peer layer") { await busy.counters().messagesIn == 40 }
            let counters = await busy.counters()
            // 5 × 200,000 bytes fit in 1 MiB; the other 35 were dropped and counted.
            #expect(counters.inboundBytesDrops == 35)
            #expect(counters.inboundDrops == 0)

            // The node reads what waits; the sender's share is free again.
            var iterator = busy.messages.makeAsyncIterator()
            for _ in 0..<5 {
                let next = await iterator.next()
                #expect(next?.payload.count == 200_000 && next?.sender == 1)
            }
            try flooder.network.send([1, 2, 3], to: 0)
            let after = await iterator.next()
            #expect(after?.payload == [1, 2, 3])
        } catch {
            await flooder.shutdown()
            await busy.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await flooder.shutdown()
        await busy.shutdown()
        try await group.shutdownGracefully()
    }
}
