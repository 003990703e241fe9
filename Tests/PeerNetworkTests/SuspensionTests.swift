import LedgerCrypto
import NIOPosix
import Testing
@testable import PeerNetwork

/// A validator suspended on proof of misbehaviour loses its link, is refused while the
/// suspension lasts, and gets back in after it.
@Suite(.serialized) struct SuspensionTests {
    @Test("a suspended validator is cut off, refused with the reason, and reconnects once the suspension ends")
    func suspensionCutsOffThenEnds() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let roster = try await TestRoster(count: 2)
        let judge = try await TestNode(index: 0, configuration: roster.configuration(index: 0), group: group)
        let culprit = try await TestNode(index: 1, configuration: roster.configuration(index: 1), group: group)
        do {
            try await waitUntil("linked") { await judge.connectedPeers() == [1] }
            try judge.network.suspend(1, for: .seconds(2), reason: "forwarded forged transactions")
            try await waitUntil("the culprit is cut off") { await culprit.connectedPeers().isEmpty }
            try await waitUntil("the culprit's redial is refused with the reason") {
                culprit.logLines.values.contains { $0.contains("suspended by this node") && $0.contains("forwarded forged transactions") }
            }
            #expect(await judge.network.counters().suspensions == 1)
            try await waitUntil("the link is back after the suspension", timeout: .seconds(30)) {
                await judge.connectedPeers() == [1]
            }
            #expect(judge.logLines.values.contains { $0.contains("suspending validator 1") })
            #expect(throws: PeerNetworkError.unknownValidator(index: 0)) { try judge.network.suspend(0, for: .seconds(1), reason: "self") }
        } catch {
            await culprit.shutdown()
            await judge.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await culprit.shutdown()
        await judge.shutdown()
        try await group.shutdownGracefully()
    }
}
