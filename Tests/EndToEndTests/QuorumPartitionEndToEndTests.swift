import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// Finding 2 of the consensus review, on real processes: with a quorum of 2f+1 for every n,
/// 6 validators split 3 | 3 committed two different blocks at height 1 and both data directories
/// passed `verify`. With q = ⌈(n + f + 1) / 2⌉ neither half of 6 (nor the 3 of a 2 | 3 split of 5)
/// is a quorum: each side runs alone, with work, and commits nothing; together they go on.
@Suite("End to end: quorums for n ≠ 3f+1", .serialized)
struct QuorumPartitionEndToEndTests {
    func transfer(_ net: TestnetHarness, from member: String, nonce: UInt64) throws -> Transaction {
        let genesis = try net.genesis
        return try Transaction(
            chainID: genesis.chainID, nonce: nonce,
            payload: .transferFunds(TransferFunds(
                to: try net.key("solar-owner").publicKey.address, currency: "EUR", amount: nonce, category: .renewableEnergy, purpose: "split")),
            signer: try net.key(member))
    }

    /// Runs `side` alone with a transaction submitted to its first validator, and checks that no
    /// validator of the side commits within `seconds` (long enough for several view changes).
    func runAlone(_ net: TestnetHarness, side: [Int], member: String, seconds: Double) async throws {
        for index in 0..<net.nodes where net.pid(index).map({ kill($0, 0) == 0 }) == true { try net.killHard(index) }
        for index in side { try net.startNode(index) }
        try await waitForAnswers(net, side)
        let results = try await net.client(side[0]).submit([try transfer(net, from: member, nonce: 1)])
        #expect(results.first?.status == "accepted")
        // Bounded watch: the side must stay at height 0 the whole time.
        let deadline = Date().addingTimeInterval(seconds)
        var sawViewChange = false
        while Date() < deadline {
            for index in side {
                let status = try await net.client(index).status()
                #expect(status.height == 0, "validators \(side) of \(net.nodes) committed alone: a fork is possible")
                if status.view > 0 { sawViewChange = true }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(sawViewChange, "side \(side) never even tried another primary")
    }

    func waitForAnswers(_ net: TestnetHarness, _ nodes: [Int]) async throws {
        try await waitUntil("validators \(nodes) to answer", timeoutSeconds: 30) {
            for index in nodes where (try? await net.client(index).status()) == nil { return false }
            return true
        }
    }

    func splitThenHeal(nodes: Int, left: [Int], right: [Int]) async throws {
        let net = try TestnetHarness(nodes: nodes)
        let output = try net.up()
        let quorum = try net.genesis.validatorSet.quorum
        #expect(output.contains("quorum \(quorum)"))
        try await runAlone(net, side: left, member: "green-bank", seconds: 8)
        try await runAlone(net, side: right, member: "city-issuer", seconds: 8)
        // Healed: everyone runs, and new work commits on one chain.
        for index in 0..<nodes where !right.contains(index) { try net.startNode(index) }
        try await waitForAnswers(net, Array(0..<nodes))
        let results = try await net.client(0).submit([try transfer(net, from: "regulator", nonce: 1)], waitMillis: 60_000)
        #expect(results.first?.commit?.status == "committed", "\(net.logTails())")
        try await waitUntil("every validator to reach the same height", timeoutSeconds: 60) {
            var hashes = Set<String>()
            for index in 0..<nodes {
                guard let status = try? await net.client(index).status(), status.height >= 1 else { return false }
                hashes.insert("\(status.height)/\(status.lastBlockHash)")
            }
            return hashes.count == 1
        }
    }

    @Test("6 validators split 3 | 3: neither half commits; healed, they agree")
    func sixValidators() async throws {
        try await splitThenHeal(nodes: 6, left: [0, 1, 2], right: [3, 4, 5])
    }

    @Test("5 validators split 2 | 3: neither side commits; healed, they agree")
    func fiveValidators() async throws {
        try await splitThenHeal(nodes: 5, left: [0, 1], right: [2, 3, 4])
    }
}
