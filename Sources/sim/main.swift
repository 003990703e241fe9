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
    @Flag(help: "Stop at the first failing seed.") var stopOnFailure = false
    @Flag(help: "Skip the fault-coverage check of runs of 50 seeds or more.") var noCoverageCheck = false

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
            print("  \(Totals(result).faultLine)")
            for violation in result.violations { print("  \(violation)") }
            print("trace hash \(result.traceHash.hex)")
            if !result.passed { throw ExitCode(1) }
            return
        }
        var failed = 0
        var totals = Totals()
        for seed in firstSeed..<(firstSeed + UInt64(seeds)) {
            let result = Simulation(options: options(seed)).run()
            totals.add(result)
            if !result.passed {
                failed += 1
                print("seed \(seed) FAILED: \(result.violations[0])")
                if stopOnFailure { break }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("seeds=\(seeds) replicas=\(replicas) first=\(firstSeed) failed=\(failed) blocksCommitted=\(totals.blocks) viewChanges=\(totals.viewChanges) nestedViewChanges=\(totals.nested) stateTransfers=\(totals.transfers) restarts=\(totals.restarts) restartsDuringViewChange=\(totals.restartsInViewChange) equivocations=\(totals.equivocations) violations=\(totals.violations) wallTime=\(String(format: "%.1f", seconds))s")
        print(totals.faultLine)
        if failed > 0 { throw ExitCode(1) }
        // A CI-sized run must show that the faults really happened, not just that nothing broke.
        // Below 4 validators no fault is tolerated: no crash, no Byzantine validator is injected.
        if seeds >= 50, !forkAttack, !brokenQuorum, !noCoverageCheck {
            let missing = totals.missing(replicas: replicas)
            if !missing.isEmpty {
                print("fault coverage FAILED: no \(missing.joined(separator: ", "))")
                throw ExitCode(1)
            }
            print("fault coverage ok")
        }
    }
}

/// What a run of seeds exercised, summed.
struct Totals {
    var blocks: UInt64 = 0
    var viewChanges = 0, nested = 0, transfers = 0, restarts = 0, restartsInViewChange = 0, equivocations = 0, violations = 0
    var strategies: [String: Int] = [:]
    var crashPoints: [String: Int] = [:]
    var rollbacks = 0, rollbacksDetected = 0, votesRefusedBelowFloor = 0, tornRecords = 0, slowDisks = 0, sendQueueOverflows = 0
    var rollingRestarts = 0, aimedRollingRestarts = 0, aimedTornRestarts = 0, aimedTornViewChanges = 0, longFaultPhases = 0, lostByKind = 0, refused = 0, lostInCrashes = 0
    var realExecutionSeeds = 0, failedReceipts = 0, clockBeyondBoundSeeds = 0, waitingAtEnd = 0
    var bounds = BoundMaxima()

    init() {}

    init(_ result: SimulationResult) { add(result) }

    mutating func add(_ result: SimulationResult) {
        blocks += result.blocksCommitted
        viewChanges += result.viewChanges
        nested += result.nestedViewChanges
        transfers += result.stateTransfers
        restarts += result.restarts
        restartsInViewChange += result.restartsDuringViewChange
        equivocations += result.equivocations
        violations += result.violations.count
        strategies.merge(result.strategyActions, uniquingKeysWith: +)
        crashPoints.merge(result.crashPoints, uniquingKeysWith: +)
        rollingRestarts += result.rollingRestarts
        aimedRollingRestarts += result.aimedRollingRestarts
        aimedTornRestarts += result.aimedTornRestarts
        aimedTornViewChanges += result.aimedTornViewChanges
        rollbacks += result.rollbacks
        tornRecords += result.tornJournalRecords
        slowDisks += result.slowDiskPhases
        sendQueueOverflows += result.sendQueueOverflows
        rollbacksDetected += result.rollbacksDetected
        votesRefusedBelowFloor += result.votesRefusedBelowFloor
        longFaultPhases += result.longFaultPhase ? 1 : 0
        lostByKind += result.lostByKind
        refused += result.refusedTransactions
        lostInCrashes += result.lostInCrashes
        realExecutionSeeds += result.realExecution ? 1 : 0
        failedReceipts += result.failedReceipts
        clockBeyondBoundSeeds += result.clockBeyondBound ? 1 : 0
        waitingAtEnd += result.waitingAtEnd
        bounds.merge(result.bounds)
    }

    var faultLine: String {
        let strategyText = ByzantineStrategy.allCases.map { "\($0.rawValue)=\(strategies[$0.rawValue, default: 0])" }.joined(separator: " ")
        let crashText = (CrashPointName.all).map { "\($0)=\(crashPoints[$0, default: 0])" }.joined(separator: " ")
        return "byzantine: \(strategyText)\ncrashes: \(crashText) rollingRestarts=\(rollingRestarts) aimed=\(aimedRollingRestarts) rollbacks=\(rollbacks) rollbacksDetected=\(rollbacksDetected) refusedBelowFloor=\(votesRefusedBelowFloor) tornJournalRecords=\(tornRecords) aimedTorn=\(aimedTornRestarts)/\(aimedTornViewChanges) slowDisks=\(slowDisks) sendQueueOverflows=\(sendQueueOverflows)\nlongFaultPhases=\(longFaultPhases) lostByKind=\(lostByKind) refusedToHost=\(refused) lostInCrashes=\(lostInCrashes) \(bounds.description)\nrealExecutionSeeds=\(realExecutionSeeds) failedReceipts=\(failedReceipts) clockBeyondBoundSeeds=\(clockBeyondBoundSeeds) waitingAtEnd=\(waitingAtEnd)"
    }

    /// The fault classes a CI-sized run at `replicas` validators must have exercised.
    func missing(replicas: Int) -> [String] {
        var expected: [(String, Int)] = []
        // A single validator has nobody to change views with or catch up from.
        if replicas >= 2 {
            expected += [("view changes", viewChanges), ("state transfers", transfers), ("nested view changes", nested),
                         ("correlated loss by kind", lostByKind), ("long fault phases", longFaultPhases),
                         ("transactions given back to the host", refused), ("seeds on the real state machine", realExecutionSeeds),
                         ("failed receipts from the real state machine", failedReceipts)]
        }
        if replicas >= 4 {
            expected += [("restarts during a view change", restartsInViewChange), ("Twins equivocations", equivocations),
                         ("rolling restarts", rollingRestarts), ("rolling restarts aimed at a re-proposed height", aimedRollingRestarts),
                         ("clocks beyond the skew bound", clockBeyondBoundSeeds),
                         ("data directories rolled back", rollbacks), ("rollbacks detected", rollbacksDetected),
                         ("votes refused or views left below a rollback floor", votesRefusedBelowFloor), ("torn journal records", tornRecords),
                         ("torn restarts aimed at a lone view change", aimedTornRestarts),
                         ("torn VIEW-CHANGEs aimed behind a checkpoint", aimedTornViewChanges),
                         ("slow disks", slowDisks), ("send-queue overflows", sendQueueOverflows)]
            expected += CrashPointName.all.map { ("crashes at \($0)", crashPoints[$0, default: 0]) }
            expected += ByzantineStrategy.allCases.map { ("Byzantine \($0.rawValue)", strategies[$0.rawValue, default: 0]) }
        }
        return expected.filter { $0.1 == 0 }.map(\.0)
    }
}

enum CrashPointName {
    static let all = ["now", "journal-lost", "some-sends-left", "before-store", "rolling"]
}

Sim.main()
