import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// A 4-validator testnet of real `greenledger` processes on loopback: transactions sent to
/// different validators, a backup and then the primary killed with SIGKILL while
/// transactions flow, both restarted. Every validator must end with the identical chain,
/// every transaction that got a certified receipt must be in it exactly once, and the offline
/// audit must pass on every data directory.
@Suite("End to end: a local testnet of real processes", .serialized)
struct TestnetEndToEndTests {
    /// Signs transfers from the demo members with their own nonces.
    final class Wallet {
        let net: TestnetHarness
        let genesis: Genesis
        var nonces: [String: UInt64] = [:]
        var certified: [Digest] = []

        init(_ net: TestnetHarness) throws {
            self.net = net
            genesis = try net.genesis
        }

        /// Submits a transfer through validator `node`, waits for the commit, and checks the
        /// certificate and inclusion proof against the genesis.
        func transfer(from member: String, to recipient: String, amount: UInt64, via node: Int, waitMillis: UInt64 = 30_000) async throws {
            let key = try net.key(member)
            let nonce = (nonces[member] ?? 0) + 1
            let transaction = try Transaction(
                chainID: genesis.chainID, nonce: nonce,
                payload: .transferFunds(TransferFunds(
                    to: try net.key(recipient).publicKey.address, currency: "EUR", amount: amount, category: .renewableEnergy,
                    purpose: "e2e")),
                signer: key)
            let results = try await net.client(node).submit([transaction], waitMillis: waitMillis)
            let result = try #require(results.first)
            #expect(result.status == "accepted", "\(result.error?.message ?? "")")
            let body = try #require(result.commit, "no commit for \(transaction.id) via node-\(node)")
            #expect(body.status == "committed", "transaction via node-\(node) still \(body.status)")
            guard body.status == "committed" else { throw HarnessError("not committed: \(transaction.id)\n\(net.logTails())") }
            let commit = try body.verifiableCommit()
            try commit.certificate.verify(chainID: genesis.chainID, genesisHash: genesis.hash, validators: genesis.validatorSet)
            #expect(commit.receipt.succeeded)
            nonces[member] = nonce
            certified.append(transaction.id)
        }
    }

    func heights(_ net: TestnetHarness, _ nodes: [Int]) async -> [UInt64]? {
        var heights: [UInt64] = []
        for node in nodes {
            guard let status = try? await net.client(node).status() else { return nil }
            heights.append(status.height)
        }
        return heights
    }

    @Test("identical chains through a backup crash and a primary crash; every data directory verifies")
    func crashesAndRecovery() async throws {
        let net = try TestnetHarness(nodes: 4)
        let upOutput = try net.up()
        #expect(upOutput.contains("the testnet is up"))
        let wallet = try Wallet(net)
        let members = ["green-bank", "city-issuer"]

        // Transactions sent to every validator in turn.
        for round in 0..<8 {
            try await wallet.transfer(from: members[round % 2], to: "solar-owner", amount: 100 + UInt64(round), via: round % 4)
        }

        // A backup dies hard; the others keep committing.
        let backup = 2
        try net.killHard(backup)
        for round in 0..<4 {
            try await wallet.transfer(from: members[round % 2], to: "solar-owner", amount: 7, via: [0, 1, 3][round % 3])
        }
        // It comes back, reloads its store and journal, and catches up.
        _ = try net.up()
        try await waitUntil("node-\(backup) to catch up", timeoutSeconds: 60) {
            guard let heights = await heights(net, [0, backup]) else { return false }
            return heights[0] == heights[1]
        }

        // The primary dies hard while transactions flow: a view change elects another.
        let before = try await net.client(0).status()
        let primary = Int(before.view % 4)
        try net.killHard(primary)
        let survivors = (0..<4).filter { $0 != primary }
        for round in 0..<4 {
            try await wallet.transfer(from: members[round % 2], to: "solar-owner", amount: 3, via: survivors[round % 3], waitMillis: 60_000)
        }
        let after = try await net.client(survivors[0]).status()
        #expect(after.view > before.view, "the network moved on without its primary")
        _ = try net.up()
        try await waitUntil("every validator to reach the same height", timeoutSeconds: 60) {
            guard let heights = await heights(net, Array(0..<4)) else { return false }
            return Set(heights).count == 1
        }

        // Identical chains, each certified transaction exactly once.
        let height = try await net.client(0).status().height
        var seen: [Digest: Int] = [:]
        for h in 1...height {
            let reference = try await net.client(0).rawBlock(at: h)
            for node in 1..<4 {
                let other = try await net.client(node).rawBlock(at: h)
                #expect(other.block.hash == reference.block.hash, "block \(h) differs on node-\(node)")
            }
            for transaction in reference.block.transactions { seen[transaction.id, default: 0] += 1 }
        }
        for id in wallet.certified { #expect(seen[id] == 1, "\(id) appears \(seen[id] ?? 0) times") }

        // A clean stop, then the offline audit of every data directory against the genesis.
        let down = try net.run(["testnet", "down", "--dir", net.directory])
        #expect(down.status == 0, "\(down.output)")
        for node in 0..<4 {
            let audit = try net.run(["verify", "--data-dir", net.dataDirectory(node), "--genesis", "\(net.directory)/genesis.json"])
            #expect(audit.status == 0, "node-\(node): \(audit.output)")
            #expect(audit.output.contains("PASSED"))
            // Every validator voted, so each kept its voting high-water mark beside its data directory.
            let mark = net.dataDirectory(node) + ".vote-high-water.json"
            let text = (try? String(contentsOfFile: mark, encoding: .utf8)) ?? ""
            #expect(text.contains("\"view\"") && text.contains("\"height\""), "node-\(node): \(mark) holds \(text)")
        }
    }

    @Test("a validator that was down for more blocks than one answer holds catches up on an idle network, with no new block")
    func catchUpWhileIdle() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let wallet = try Wallet(net)
        let late = 3
        try net.killHard(late)
        // More blocks than one peer answer carries (64), ending between two checkpoints (every
        // 16 blocks): a state transfer reaches only the last stable checkpoint.
        let members = ["green-bank", "city-issuer"]
        for round in 0..<85 {
            try await wallet.transfer(from: members[round % 2], to: "solar-owner", amount: 1, via: round % 3)
        }
        // Idle from here on (the primary seals the last busy block with an empty one, then
        // stops): nothing is submitted, so only catching up can move the late node.
        _ = try net.up()
        try await waitUntil("node-\(late) to reach node-0's height with no new transaction", timeoutSeconds: 30) {
            guard let heights = await heights(net, [0, late]) else { return false }
            return heights[1] == heights[0]
        }
        let target = try await net.client(late).status().height
        #expect(target >= 85)
        #expect(target % UInt64(try net.genesis.consensus.checkpointInterval) != 0, "height \(target) is a checkpoint: the test needs blocks after it")
        let head = try await net.client(late).rawBlock(at: target)
        #expect(head.block.hash == (try await net.client(0).rawBlock(at: target)).block.hash)
    }

    @Test("a second testnet up while it runs, and a busy port, fail with a clear message")
    func refusals() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let again = try net.run(["testnet", "up", "--dir", net.directory])
        #expect(again.status != 0)
        #expect(again.output.contains("already running"))
        let other = try TestnetHarness(nodes: 1)
        let busy = try other.run(["testnet", "up", "--nodes", "1", "--dir", other.directory, "--base-port", "\(net.basePort)", "--api-base-port", "\(net.apiBasePort + 7)"])
        #expect(busy.status != 0)
        #expect(busy.output.contains("in use"))
    }
}
