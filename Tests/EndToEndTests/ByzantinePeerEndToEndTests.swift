import Consensus
import Foundation
import LedgerCore
import LedgerCrypto
import Logging
import Node
import PeerNetwork
import Testing

/// Finding 3 of the consensus review, on real processes: one validly signed transfer from a key
/// that is no member, FORWARDed by a faulty validator, used to be certified and make every node
/// exit on every restart. Here the test process is that faulty validator: it holds validator 3's
/// real key (node-3 is stopped), joins the peer network and FORWARDs such a transfer.
@Suite("End to end: a faulty validator", .serialized)
struct ByzantinePeerEndToEndTests {
    /// Starts a 4-validator testnet, stops node-3 and joins the peer network in its place with
    /// its real key: the test process is the faulty validator.
    static func impersonateValidator3(_ net: TestnetHarness) async throws -> (Genesis, SigningKey, PeerNetwork) {
        _ = try net.up()
        let genesis = try net.genesis
        try net.killHard(3)
        let key = try SigningKey(pem: String(contentsOfFile: "\(net.directory)/keys/validator-3.pem", encoding: .utf8))
        let peers = genesis.validators.enumerated().map { index, validator in
            PeerIdentity(index: index, publicKey: validator.publicKey, host: validator.host, port: Int(validator.port))
        }
        let impostor = try PeerNetwork(
            configuration: PeerNetworkConfiguration(genesisHash: genesis.hash, chainID: genesis.chainID.value, validators: peers, localIndex: 3, nodeKey: key),
            logger: Logger(label: "test.faulty-validator"))
        _ = try await impostor.start()
        try await waitUntil("the faulty validator to be connected to the others", timeoutSeconds: 30) {
            await impostor.counters().peers.filter(\.isConnected).count == 3
        }
        return (genesis, key, impostor)
    }

    @Test("a non-member transaction forwarded by a validator is refused and counted; the honest nodes keep committing")
    func forwardedNonMemberTransaction() async throws {
        let net = try TestnetHarness(nodes: 4)
        let (genesis, key, impostor) = try await Self.impersonateValidator3(net)

        let outsider = try SigningKey()
        let transfer = try net.transfer(nonce: 1, amount: 1, purpose: "forged", signer: outsider)
        let message = ConsensusMessage.forward([transfer])
        let signature = try key.sign(digest: message.signingDigest(chainID: genesis.chainID, genesisHash: genesis.hash))
        // The peer wire: tag 1, then the signed envelope (docs/protocol.md).
        try impostor.broadcast([1] + SignedEnvelope(sender: 3, message: message, signature: signature).canonicalBytes)

        try await waitUntil("every honest node to count the refused transaction", timeoutSeconds: 30) {
            for node in 0...2 {
                guard let text = try? await net.client(node).metricsText(),
                      text.contains("reason=\"invalid_transaction\"} 1") else { return false }
            }
            return true
        }
        // The honest three still make a quorum and commit a member's transfer.
        let bank = try net.key("green-bank")
        let honest = try net.transfer(nonce: 1, amount: 5, purpose: "e2e", signer: bank)
        let result = try #require(try await net.client(1).submit([honest], waitMillis: 30_000).first)
        #expect(result.commit?.status == "committed", "\(net.logTails())")
        for node in 0...2 {
            #expect(net.pid(node).map { kill($0, 0) == 0 } == true, "node-\(node) is gone")
            #expect(try await net.client(node).transaction(transfer.id).status == "unknown", "node-\(node) knows the forged transfer")
        }
        await impostor.shutdown()
    }

    /// Attack F10: equivocating votes from a faulty validator were in no log and no metric.
    /// The test process holds validator 3's key and sends every honest node two different
    /// PREPAREs for one view and height, then 400 requests for the same blocks (F11).
    @Test("equivocating votes are logged, stored, listed and counted per validator; block-request floods are refused; commits go on")
    func equivocationIsVisible() async throws {
        let net = try TestnetHarness(nodes: 4)
        let (genesis, key, impostor) = try await Self.impersonateValidator3(net)
        // A committed block first, so there are blocks to ask for.
        let bank = try net.key("green-bank")
        let first = try net.transfer(nonce: 1, amount: 5, purpose: "e2e", signer: bank)
        let committed = try #require(try await net.client(1).submit([first], waitMillis: 30_000).first)
        #expect(committed.commit?.status == "committed", "\(net.logTails())")
        try await waitUntil("every honest node to hold a block", timeoutSeconds: 30) {
            for node in 0...2 { guard let status = try? await net.client(node).status(), status.height >= 1 else { return false } }
            return true
        }
        let status = try await net.client(0).status()
        let height = status.height + 2
        for digest in [SHA256.hash(Array("one".utf8)), SHA256.hash(Array("two".utf8))] {
            let message = ConsensusMessage.prepare(Vote(view: status.view, height: height, blockHash: digest))
            let signature = try key.sign(digest: message.signingDigest(chainID: genesis.chainID, genesisHash: genesis.hash))
            try impostor.broadcast([1] + SignedEnvelope(sender: 3, message: message, signature: signature).canonicalBytes)
        }
        // Attack F11: the same blocks asked for over and over (tag 2, from, to: docs/protocol.md).
        var request: [UInt8] = [2]
        for value: UInt64 in [1, 16] { withUnsafeBytes(of: value.bigEndian) { request += $0 } }
        for _ in 0..<400 { try impostor.broadcast(request) }
        let name = genesis.validators[3].name.value
        try await waitUntil("every honest node to list the evidence", timeoutSeconds: 30) {
            for node in 0...2 {
                guard let listed = try? await net.client(node).evidence(validator: 3).evidence,
                      listed.contains(where: { $0.kind == "PREPARE" && $0.height == height && $0.view == status.view }) else { return false }
            }
            return true
        }
        for node in 0...2 {
            let metrics = try await net.client(node).metricsText()
            #expect(metrics.contains("greenledger_evidence_total{node=") && metrics.contains("validator=\"\(name)\",kind=\"prepare\"} 1"), "node-\(node)")
            #expect(net.logTail(node).contains("evidence: \(name) (validator 3) signed two different PREPAREs"), "node-\(node)")
            #expect(net.logTail(node).contains("refusing block requests from \(name)"), "node-\(node)")
        }
        try await waitUntil("every honest node to count the refused block requests", timeoutSeconds: 30) {
            for node in 0...2 {
                guard let text = try? await net.client(node).metricsText(),
                      let line = text.split(separator: "\n").first(where: { $0.contains("kind=\"block_requests\"") }),
                      let count = Double(line.split(separator: " ").last ?? ""), count >= 200 else { return false }
            }
            return true
        }
        // The honest three keep committing.
        let second = try net.transfer(nonce: 2, amount: 6, purpose: "e2e", signer: bank)
        let after = try #require(try await net.client(2).submit([second], waitMillis: 30_000).first)
        #expect(after.commit?.status == "committed", "\(net.logTails())")
        await impostor.shutdown()
    }

    /// Attack F3: batches of transactions with invalid signatures from a faulty validator were
    /// verified again on every resend, a core's worth. Each such FORWARD proves its sender
    /// faulty: past the threshold every honest node suspends its link, and commits go on.
    @Test("a validator forwarding invalid signatures is suspended by every honest node; commits go on")
    func invalidSignatureForwarderIsSuspended() async throws {
        let net = try TestnetHarness(nodes: 4)
        let (genesis, key, impostor) = try await Self.impersonateValidator3(net)
        let bank = try net.key("green-bank")
        let recipient = try net.key("solar-owner").publicKey.address
        // 150 transfers from a member key, each with the signature of another transaction.
        let donor = try net.transfer(nonce: 1, amount: 1, purpose: "donor", signer: bank)
        let forged = try (0..<150).map { index in
            try Transaction(
                unchecked: genesis.chainID, sender: bank.publicKey, nonce: UInt64(1_000 + index),
                payload: .transferFunds(TransferFunds(to: recipient, currency: "EUR", amount: 7, category: .renewableEnergy, purpose: Text("forged \(index)"))),
                signature: donor.signature)
        }
        let message = ConsensusMessage.forward(forged)
        let signature = try key.sign(digest: message.signingDigest(chainID: genesis.chainID, genesisHash: genesis.hash))
        try impostor.broadcast([1] + SignedEnvelope(sender: 3, message: message, signature: signature).canonicalBytes)

        try await waitUntil("every honest node to suspend validator 3", timeoutSeconds: 30) {
            for node in 0...2 {
                guard let text = try? await net.client(node).metricsText(),
                      let line = text.split(separator: "\n").first(where: { $0.contains("kind=\"suspended\"") }),
                      Double(line.split(separator: " ").last ?? "") == 1 else { return false }
            }
            return true
        }
        let name = genesis.validators[3].name.value
        for node in 0...2 {
            #expect(net.logTail(node).contains("\(name) (validator 3) forwarded over 100 transactions with invalid signatures"), "node-\(node)")
        }
        try await waitUntil("the faulty validator to be cut off", timeoutSeconds: 30) {
            await impostor.counters().peers.filter(\.isConnected).isEmpty
        }
        // The honest three still make a quorum.
        let honest = try net.transfer(nonce: 1, amount: 5, purpose: "e2e", signer: bank)
        let result = try #require(try await net.client(0).submit([honest], waitMillis: 30_000).first)
        #expect(result.commit?.status == "committed", "\(net.logTails())")
        #expect(await impostor.counters().peers.filter(\.isConnected).isEmpty, "a suspended validator got back in")
        await impostor.shutdown()
    }
    /// Attack F3's flood: 160 messages of 4 MiB from a faulty validator took a node from 69 to
    /// 742 MB. What waits for the node is bounded per sender in bytes; undecodable messages
    /// are dropped, counted, and logged a few times a minute.
    @Test("160 messages of 4 MiB from a faulty validator: memory stays bounded, drops are counted, the log stays short; commits go on")
    func largeMessageFloodIsBounded() async throws {
        let net = try TestnetHarness(nodes: 4)
        let (_, _, impostor) = try await Self.impersonateValidator3(net)
        let pid = try #require(net.pid(0))
        let rssBefore = StrangerFloodEndToEndTests.residentBytes(pid)
        let junk = [UInt8](repeating: 0x5a, count: (4 << 20) - 1_024)
        var sent = 0
        for _ in 0..<160 {
            if (try? impostor.send(junk, to: 0)) != nil { sent += 1 }
            // Let the link drain a little: the test's own send queue is bounded too.
            if sent % 16 == 0 {
                try await waitUntil("the faulty validator's queue to drain", timeoutSeconds: 30) {
                    let counters = await impostor.counters()
                    return counters.sendQueueDrops > 0 || counters.messagesOut >= UInt64(sent)
                }
            }
        }
        var rssPeak = 0
        func metric(_ kind: String) async -> Double {
            guard let text = try? await net.client(0).metricsText() else { return 0 }
            return HostileClientEndToEndTests.counter(text, "greenledger_peer_refused_total", label: "kind=\"\(kind)\"")
        }
        try await waitUntil("node-0 to have dropped the flood", timeoutSeconds: 60) {
            rssPeak = max(rssPeak, StrangerFloodEndToEndTests.residentBytes(pid))
            return await metric("undecodable") + metric("inbound_share_full") >= 100
        }
        rssPeak = max(rssPeak, StrangerFloodEndToEndTests.residentBytes(pid))
        // 160 × 4 MiB is 640 MiB; a sender's share of the inbound queue is 32 MiB.
        #expect(rssPeak - rssBefore < 160 << 20, "node-0 grew from \(rssBefore >> 20) to \(rssPeak >> 20) MiB")
        let lines = net.logTail(0).split(separator: "\n").filter { $0.contains("undecodable message") }.count
        #expect(lines >= 1 && lines <= 10, "\(lines) log lines about undecodable messages")
        // The honest three commit.
        let bank = try net.key("green-bank")
        let honest = try net.transfer(nonce: 1, amount: 5, purpose: "after the flood", signer: bank)
        let result = try #require(try await net.client(0).submit([honest], waitMillis: 30_000).first)
        #expect(result.commit?.status == "committed", "\(net.logTails())")
        await impostor.shutdown()
    }
}
