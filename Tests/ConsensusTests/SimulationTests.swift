import Consensus
import Foundation
import LedgerCore
import Testing

@Suite("Simulation")
struct SimulationTests {
    struct Totals {
        var failures: [String] = []
        var blocks: UInt64 = 0
        var viewChanges = 0
        var nestedViewChanges = 0
        var stateTransfers = 0
        var restarts = 0
        var restartsDuringViewChange = 0
        var equivocations = 0
        var forgedDropped = 0
        var realKeySeeds = 0
    }

    func run(seeds: ClosedRange<UInt64>, replicas: Int) -> Totals {
        var totals = Totals()
        for seed in seeds {
            let result = Simulation(options: SimulationOptions(seed: seed, replicaCount: replicas)).run()
            if let first = result.violations.first { totals.failures.append("seed \(seed) n=\(replicas): \(first)") }
            totals.blocks += result.blocksCommitted
            totals.viewChanges += result.viewChanges
            totals.nestedViewChanges += result.nestedViewChanges
            totals.stateTransfers += result.stateTransfers
            totals.restarts += result.restarts
            totals.restartsDuringViewChange += result.restartsDuringViewChange
            totals.equivocations += result.equivocations
            totals.forgedDropped += result.forgedDropped
            if result.realKeys { totals.realKeySeeds += 1 }
        }
        return totals
    }

    func expectFaultsHappened(_ totals: Totals) {
        #expect(totals.failures.isEmpty, "\(totals.failures)")
        #expect(totals.viewChanges > 0)
        #expect(totals.nestedViewChanges > 0)
        #expect(totals.stateTransfers > 0)
        #expect(totals.restarts > 0)
        #expect(totals.restartsDuringViewChange > 0)
        #expect(totals.equivocations > 0)
        #expect(totals.forgedDropped > 0)
        #expect(totals.realKeySeeds > 0)
    }

    // The many-seed runs are the `sim` stage of scripts/test (release build, with a fault-
    // coverage check); these keep a small set inside the test suite.
    @Test("40 seeds with n = 4: no violation, and every kind of fault happened")
    func seedsFour() {
        let totals = run(seeds: 1...40, replicas: 4)
        expectFaultsHappened(totals)
        #expect(totals.blocks >= 40 * 30)
    }

    @Test("20 seeds with n = 7: no violation, and every kind of fault happened")
    func seedsSeven() {
        let totals = run(seeds: 1...20, replicas: 7)
        expectFaultsHappened(totals)
        #expect(totals.blocks >= 20 * 30)
    }

    @Test("negative control: f+1 Byzantine twins fork the chain and the agreement checker reports it", arguments: [4, 7])
    func forkAttackIsCaught(replicas: Int) {
        for seed in 1...3 as ClosedRange<UInt64> {
            var options = SimulationOptions(seed: seed, replicaCount: replicas)
            options.forkAttack = true
            let result = Simulation(options: options).run()
            #expect(result.violations.contains { $0.hasPrefix("agreement") }, "seed \(seed): \(result.violations)")
        }
    }

    @Test("negative control: replicas that commit on f+1 are caught", arguments: [4, 7])
    func brokenQuorumIsCaught(replicas: Int) {
        for seed in 1...3 as ClosedRange<UInt64> {
            var options = SimulationOptions(seed: seed, replicaCount: replicas)
            options.brokenQuorum = true
            let result = Simulation(options: options).run()
            #expect(result.violations.contains { $0.hasPrefix("certificate") || $0.hasPrefix("agreement") }, "seed \(seed)")
        }
    }

    @Test("the same seed gives the same trace hash in one process")
    func sameSeedSameHash() {
        for seed in [3, 7] as [UInt64] {
            let first = Simulation(options: SimulationOptions(seed: seed, replicaCount: 4)).run()
            let second = Simulation(options: SimulationOptions(seed: seed, replicaCount: 4)).run()
            #expect(first.traceHash == second.traceHash)
        }
        let other = Simulation(options: SimulationOptions(seed: 4, replicaCount: 4)).run()
        #expect(other.traceHash != Simulation(options: SimulationOptions(seed: 3, replicaCount: 4)).run().traceHash)
    }

    @Test("one seed run by the sim binary in two separate processes gives the same trace hash")
    func twoProcessesSameHash() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let binary = root.appendingPathComponent(".build/debug/sim")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sim product first")
        // Seed 23 uses simulated keys, seed 7 real P-256 keys (signatures excluded from the hash).
        for arguments in [["--seed", "23", "--replicas", "7"], ["--seed", "7"]] {
            let hashes = try (0..<2).map { _ in try traceHash(binary: binary, arguments: arguments) }
            #expect(hashes[0] == hashes[1])
            #expect(hashes[0].count == 64)
        }
    }

    func traceHash(binary: URL, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("trace hash ") } ?? ""
        return String(line.dropFirst("trace hash ".count))
    }
}
