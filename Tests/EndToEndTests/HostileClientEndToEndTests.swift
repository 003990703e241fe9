import Foundation
import LedgerCore
import LedgerCrypto
import NIOCore
import NIOPosix
import Node
import Testing

/// Issue 14's client rows on real processes: sockets opened on a validator's HTTPS API and left
/// silent (F4: slowloris, idle, more connections than its share), and a member key's batches of
/// invalid signatures (F9). The validator cuts the sockets off at its deadlines, keeps one
/// source to its share, refuses the invalid-signature client before verifying more, counts
/// all of it, and the network commits throughout.
@Suite("End to end: hostile API clients", .serialized)
struct HostileClientEndToEndTests {
    static func counter(_ metrics: String, _ name: String, label: String) -> Double {
        metrics.split(separator: "\n").first { $0.hasPrefix(name) && $0.contains(label) }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("silent and half-open API sockets are closed at the head deadline, one source keeps to its share, counted; commits go on")
    func silentSocketsAreCutOff() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let pid = try #require(net.pid(0))
        let filesBefore = StrangerFloodEndToEndTests.openFiles(pid)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var sockets: [any Channel] = []
        // 150 sockets from one source: 128 are its share, the rest are closed at once. Half of
        // them send the first bytes of a TLS record and stop; none finishes a handshake.
        for index in 0..<150 {
            guard let channel = try? await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: net.apiBasePort).get() else { continue }
            if index % 2 == 0 { channel.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01]), promise: nil) }
            sockets.append(channel)
        }
        // Meanwhile the network commits (through node-1: node-0's share for this source is full).
        let bank = try net.key("green-bank")
        let transfer = try net.transfer(nonce: 1, amount: 5, purpose: "while sockets hang", signer: bank)
        let result = try #require(try await net.client(1).submit([transfer], waitMillis: 30_000).first)
        #expect(result.commit?.status == "committed", "\(net.logTails())")
        // Every socket is closed by the node within its 10 s head deadline (and some slack).
        try await waitUntil("node-0 to close every silent socket", timeoutSeconds: 25) { sockets.allSatisfy { !$0.isActive } }
        try await waitUntil("node-0's sockets to be released", timeoutSeconds: 15) {
            StrangerFloodEndToEndTests.openFiles(pid) < filesBefore + 8
        }
        let metrics = try await net.client(0).metricsText()
        let timedOut = Self.counter(metrics, "greenledger_api_connections_closed_total", label: "reason=\"tls_handshake_timeout\"")
        let refused = Self.counter(metrics, "greenledger_api_connections_closed_total", label: "reason=\"per_source\"")
        #expect(timedOut >= 120, "tls_handshake_timeout \(timedOut)\n\(metrics)")
        #expect(refused >= 10, "per_source \(refused)")
        #expect(timedOut + refused >= 150)
        // node-0 committed the transfer too, and serves as before.
        #expect(try await net.client(0).transaction(transfer.id).status == "committed")
        for channel in sockets { try? await channel.close() }
        try await group.shutdownGracefully()
    }

    @Test("a client sending invalid signatures is refused with 429 past its budget, before anything is verified; others commit")
    func invalidSignatureBudgetHolds() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let genesis = try net.genesis
        let bank = try net.key("green-bank")
        let recipient = try net.key("solar-owner").publicKey.address
        let donor = try net.transfer(nonce: 1, amount: 1, purpose: "donor", signer: bank)
        func forgedBatch(_ batch: Int) throws -> [Transaction] {
            try (0..<500).map { index in
                try Transaction(
                    unchecked: genesis.chainID, sender: bank.publicKey, nonce: UInt64(2 + index % 60),
                    payload: .transferFunds(TransferFunds(
                        to: recipient, currency: "EUR", amount: 3, category: .renewableEnergy, purpose: Text("forged \(batch)-\(index)"))),
                    signature: donor.signature)
            }
        }
        let node0 = try net.client(0)
        // Nonces within the 64 a sender may run ahead, so every signature gets checked. The budget
        // is 1,000 invalid signatures, then 10 a second; a batch is checked while the client has
        // any credit left, its invalid signatures spent into debt — so the third or fourth batch
        // of 500 at most is refused whole, with the wait, before one signature is checked.
        let checksAtStart = Self.counter(try await node0.metricsText(), "greenledger_signature_checks_total", label: "node=")
        var refusedAt: Int?
        for batch in 0..<5 where refusedAt == nil {
            do {
                let results = try await node0.submit(try forgedBatch(batch))
                #expect(results.count == 500 && results.allSatisfy { $0.status == "rejected" }, "batch \(batch)")
            } catch NodeClientError.api(let status, let code, _) {
                #expect(status == 429 && code == "too-many-invalid-signatures")
                refusedAt = batch
            }
        }
        #expect(refusedAt == 2 || refusedAt == 3, "refused at batch \(refusedAt.map(String.init) ?? "none")")
        let checksBefore = Self.counter(try await node0.metricsText(), "greenledger_signature_checks_total", label: "node=")
        #expect(checksBefore - checksAtStart <= 1_500 + 50)
        // While in debt, every further batch is refused before anything is verified.
        await #expect(throws: NodeClientError.self) { _ = try await node0.submit(try forgedBatch(9)) }
        let metrics = try await node0.metricsText()
        #expect(Self.counter(metrics, "greenledger_signature_checks_total", label: "node=") - checksBefore < 50)
        #expect(Self.counter(metrics, "greenledger_api_invalid_signature_refusals_total", label: "node=") >= 1)
        #expect(net.logTail(0).contains("submitted 500 transactions with invalid signatures"))
        // Another node serves the same member, and the network commits.
        let honest = try #require(try await net.client(1).submit([donor], waitMillis: 30_000).first)
        #expect(honest.commit?.status == "committed", "\(net.logTails())")
    }
}
