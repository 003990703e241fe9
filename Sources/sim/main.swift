// sim: runs the consensus core's deterministic fault simulation over many seeds, or
// replays one seed with a readable trace.
import ArgumentParser
import Consensus
import Foundation
import LedgerCore

struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Deterministic PBFT fault simulation (VOPR style).")

    @Option(help: "How many seeds to run.") var seeds: Int = 100
    @Option(help: "Validators per run: 1…10 (f = ⌊(n − 1) / 3⌋ of them may be Byzantine; quorum ⌈(n + f + 1) / 2⌉).") var replicas: Int = 4
    @Option(help: "The first seed of the run.") var firstSeed: UInt64 = 1
    @Option(help: "Replay this one seed.") var seed: UInt64?
    @Flag(help: "Print the readable trace of --seed.") var trace = false
    @Option(help: "Blocks every honest replica must commit.") var blocks: UInt64 = 30
    @Flag(help: "Negative control: f+1 Byzantine twins split the network.") var forkAttack = false
    @Flag(help: "Negative control: replicas commit on f+1.") var brokenQuorum = false

    func validate() throws {
        guard (1...10).contains(replicas) else { throw ValidationError("--replicas must be 1…10") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
    }

    func options(_ seed: UInt64) -> SimulationOptions {
        var options = SimulationOptions(seed: seed, replicaCount: replicas)
        options.blocksTarget = blocks
        options.forkAttack = forkAttack
        options.brokenQuorum = brokenQuorum
        options.trace = trace
        return options
    }

    func run() throws {
        let start = Date()
        if let seed {
            let result = Simulation(options: options(seed)).run()
            if trace { for line in result.traceLines { print(line) } }
            print("seed \(seed): \(result.passed ? "ok" : "FAILED") blocks=\(result.blocksCommitted) viewChanges=\(result.viewChanges) nested=\(result.nestedViewChanges) stateTransfers=\(result.stateTransfers) restarts=\(result.restarts) equivocations=\(result.equivocations)")
            for violation in result.violations { print("  \(violation)") }
            print("trace hash \(result.traceHash.hex)")
            if !result.passed { throw ExitCode(1) }
            return
        }
        var failed = 0
        var blocksTotal: UInt64 = 0
        var viewChanges = 0, nested = 0, transfers = 0, restarts = 0, restartsInViewChange = 0, equivocations = 0, violations = 0
        for seed in firstSeed..<(firstSeed + UInt64(seeds)) {
            let result = Simulation(options: options(seed)).run()
            blocksTotal += result.blocksCommitted
            viewChanges += result.viewChanges
            nested += result.nestedViewChanges
            transfers += result.stateTransfers
            restarts += result.restarts
            restartsInViewChange += result.restartsDuringViewChange
            equivocations += result.equivocations
            violations += result.violations.count
            if !result.passed {
                failed += 1
                print("seed \(seed) FAILED: \(result.violations[0])")
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("seeds=\(seeds) replicas=\(replicas) first=\(firstSeed) failed=\(failed) blocksCommitted=\(blocksTotal) viewChanges=\(viewChanges) nestedViewChanges=\(nested) stateTransfers=\(transfers) restarts=\(restarts) restartsDuringViewChange=\(restartsInViewChange) equivocations=\(equivocations) violations=\(violations) wallTime=\(String(format: "%.1f", seconds))s")
        if failed > 0 { throw ExitCode(1) }
        // A CI-sized run must show that the faults really happened, not just that nothing broke.
        // Below 4 validators no fault is tolerated: no crash, no Byzantine twin is injected.
        if seeds >= 50, !forkAttack, !brokenQuorum {
            // A single validator has nobody to change views with or catch up from.
            var expected: [(String, Int)] = []
            if replicas >= 2 { expected += [("view changes", viewChanges), ("state transfers", transfers), ("nested view changes", nested)] }
            if replicas >= 4 { expected += [("restarts during a view change", restartsInViewChange), ("Twins equivocations", equivocations)] }
            let missing = expected.filter { $0.1 == 0 }.map(\.0)
            if !missing.isEmpty {
                print("fault coverage FAILED: no \(missing.joined(separator: ", "))")
                throw ExitCode(1)
            }
            print("fault coverage ok")
        }
    }
}

Sim.main()
