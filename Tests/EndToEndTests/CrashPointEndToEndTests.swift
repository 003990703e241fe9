import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// Issue 15's named crash points on real processes: node-1 is started with
/// `GREENLEDGER_CRASH_AT` set to each point in turn and exits there (`_exit`, as kill -9)
/// while the others commit. Restarted plainly, it catches up to the very chain the others
/// hold, and every transfer that was answered "committed" is in it exactly once.
@Suite("End to end: named crash points", .serialized)
struct CrashPointEndToEndTests {
    @Test("node-1 dies at every named crash point and comes back to the same chain; nothing acknowledged is lost or doubled")
    func everyCrashPointRecovers() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let bank = try net.key("green-bank")
        var nonce: UInt64 = 0
        var acknowledged: [Digest] = []
        /// One transfer through node-0, answered only once committed.
        func commitOne(_ purpose: String) async throws {
            nonce += 1
            let transfer = try net.transfer(nonce: nonce, amount: 1, purpose: purpose, signer: bank)
            let result = try #require(try await net.client(0).submit([transfer], waitMillis: 30_000).first)
            #expect(result.commit?.status == "committed", "\(purpose): \(result)\n\(net.logTails())")
            if result.commit?.status == "committed" { acknowledged.append(transfer.id) }
        }
        try net.killHard(1)
        // mid-state-transfer comes first: node-1 has missed more than a checkpoint interval of
        // blocks (16 in the testnet genesis; each transfer makes two), so it catches up from peers.
        for index in 0..<12 { try await commitOne("missed \(index)") }
        let points = ["mid-state-transfer", "journal-written", "some-sent", "executed-not-stored", "stored-not-answered", "mid-compaction"]
        for point in points {
            let process = try net.startNode(1, environment: [CrashPoints.environmentVariable: point])
            // Load until node-1 reaches the point (journal compaction needs a stable checkpoint:
            // up to a checkpoint interval of blocks).
            var rounds = 0
            while process.isRunning, rounds < 60 {
                rounds += 1
                try await commitOne("\(point) \(rounds)")
            }
            try await waitUntil("node-1 to exit at \(point)", timeoutSeconds: 30) { !process.isRunning }
            #expect(process.terminationStatus == CrashPoints.exitStatus, "\(point): exit status \(process.terminationStatus)\n\(net.logTail(1).suffix(3_000))")
            #expect(net.logTail(1).contains("crash point \(point) reached"), "\(point)")
        }
        // Plainly restarted, node-1 catches up to the others' chain.
        try net.startNode(1)
        try await commitOne("after the crashes")
        let height = try await net.client(0).status().height
        do {
            try await waitUntil("node-1 to reach height \(height)", timeoutSeconds: 60) {
                ((try? await net.client(1).status().height) ?? 0) >= height
            }
        } catch {
            Issue.record("\(error)\n\(net.logTail(1).suffix(6_000))")
            throw error
        }
        for blockHeight in 1...height {
            let ours = try await net.client(1).block(at: blockHeight).hash
            #expect(ours == (try await net.client(0).block(at: blockHeight).hash), "height \(blockHeight)")
        }
        // Every acknowledged transfer is committed, exactly once (ids are unique per chain: a
        // second copy would have failed as a duplicate nonce).
        var seen: [String: Int] = [:]
        for blockHeight in 1...height {
            for id in try await net.client(1).block(at: blockHeight).transactionIds { seen[id, default: 0] += 1 }
        }
        for id in acknowledged { #expect(seen[id.hex] == 1, "transfer \(id.shortHex) is in the chain \(seen[id.hex] ?? 0) times") }
        #expect(seen.values.allSatisfy { $0 == 1 })
    }
}
