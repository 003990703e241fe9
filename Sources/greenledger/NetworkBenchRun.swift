import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Storage

/// One `bench network` run, start to finish: bound, consortium, signing, load, drain, figures.
struct NetworkBenchRun {
    let options: NetworkBench
    let offered: Double?
    let layout: TestnetLayout

    private var nodes: Int { options.nodes }

    func measure() async throws -> NetworkBenchResult {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        note("bench network: \(nodes) validators, \(options.members) members, \(options.payload.rawValue), rate \(offered.map { "\(Int($0)) tx/s" } ?? "max (window \(options.window))"), \(Int(options.duration)) s; scratch \(layout.directory)")
        let verifyRate = try Self.verifyRate(cores: cores)
        let bound = verifyRate / Double(nodes)
        note(String(format: "bound: %.0f verify/s on %d cores ÷ %d validators = %.0f tx/s", verifyRate, cores, nodes, bound))

        try startValidators()
        let genesis = try Genesis(contentsOfFile: layout.genesisPath)
        let keys = try TestnetCommand.loadAccountNames(options.members).map { try KeyFiles.readPrivateKey("\(layout.keysDirectory)/\($0).pem") }
        let total = options.transactions
            ?? offered.map { Int(($0 * options.duration).rounded(.up)) } ?? Int(min(bound * options.duration * 1.25, 3_000_000))
        note("signing \(total) transactions on \(cores) cores…")
        let signingStart = Date()
        let step = max(1, total / 5)
        let plan = try NetworkBenchPlan.sign(
            total: total, validators: nodes, keys: keys, chainID: genesis.chainID, payload: options.payload,
            genesisFormat: genesis.formatVersion
        ) { done in
            if done / step != (done - min(done, 2_048)) / step { note("  signed \(done) of \(total)") }
        }
        note(String(format: "signed %d in %.1f s", plan.count, Date().timeIntervalSince(signingStart)))

        let indices = layout.nodeIndices()
        var clients: [NodeClient] = []
        var pids: [pid_t] = []
        for index in indices {
            clients.append(try layout.client(try NodeConfiguration.load(home: layout.nodeHome(index)), requestTimeoutMillis: 30_000))
            guard let pid = layout.runningPID(index) else { throw CLIError("node-\(index) is not running; see \(layout.logPath(index))") }
            pids.append(pid)
        }
        let startHeight = try await clients[0].status().height
        let checksBefore = await Self.signatureChecks(clients)
        let samplesBefore = pids.map(ProcessSample.read)
        let ownCPUBefore = ProcessSample.ownCPUSeconds()

        let tracker = NetworkBenchTracker(validators: nodes)
        let start = monotonicNanos()
        let windowEnd = start + UInt64(options.duration * 1e9)
        await tracker.setWindowEnd(windowEnd)
        let load = NetworkBenchLoad(
            plan: plan, clients: clients, tracker: tracker, batch: options.batch, window: options.window, start: start, windowEnd: windowEnd)
        let drainDeadline = windowEnd + UInt64(options.drainSeconds * 1e9)
        let progressSeconds = options.duration > 60 ? 5 : 1
        let follower = clients[0]
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await load.follow(follower, after: startHeight) }
            group.addTask { await load.reportProgress(every: progressSeconds) }
            group.addTask { [offered] in
                if let offered { await load.submitOnSchedule(rate: offered) } else { await load.submitAtMax() }
                await load.drain(until: drainDeadline)
            }
            await group.next()  // the follower and the progress line stop when the load has drained
            group.cancelAll()
        }
        let end = monotonicNanos()
        let samplesAfter = pids.map(ProcessSample.read)
        let ownCPU = ProcessSample.ownCPUSeconds() - ownCPUBefore
        let checksAfter = await Self.signatureChecks(clients)
        let statuses = await Self.settledStatuses(clients)
        let figures = await tracker.figures()
        let elapsed = Double(end - start) / 1e9

        var nodeFigures: [NetworkBenchResult.NodeFigures] = []
        for (position, index) in indices.enumerated() {
            let before = samplesBefore[position], after = samplesAfter[position]
            let checks = checksBefore[position].flatMap { before in checksAfter[position].map { $0 - min($0, before) } }
            let disk = ProcessSample.diskBytes("\(layout.nodeHome(index))/data")
            nodeFigures.append(NetworkBenchResult.NodeFigures(
                name: "node-\(index)", cpuSeconds: after.map { $0.cpuSeconds - (before?.cpuSeconds ?? 0) } ?? 0,
                cpuCores: after.map { ($0.cpuSeconds - (before?.cpuSeconds ?? 0)) / elapsed } ?? 0,
                rssMiB: Double(after?.rssBytes ?? 0) / 1_048_576, peakRSSMiB: Double(after?.peakRSSBytes ?? 0) / 1_048_576,
                signatureChecks: checks, signatureChecksPerCommitted: figures.committed > 0 ? Double(checks ?? 0) / Double(figures.committed) : 0,
                diskBytes: disk, diskBytesPerTransaction: figures.committed > 0 ? Double(disk) / Double(figures.committed) : 0,
                height: statuses[position]?.height, lastBlockHash: statuses[position]?.lastBlockHash))
        }
        return NetworkBenchResult(
            options: options, offered: offered, cores: cores, verifyPerSecond: verifyRate, bound: bound, signed: plan.count,
            figures: figures, start: start, windowEnd: windowEnd, elapsedSeconds: elapsed, benchCPUSeconds: ownCPU, nodes: nodeFigures)
    }

    /// `greenledger testnet up` in a child process: the validators are `node start` processes
    /// exactly as an operator runs them.
    private func startValidators() throws {
        let logPath = "\(layout.directory)/testnet-up.log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else { throw CLIError("cannot write \(logPath)") }
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LocalProcess.ownExecutable)
        process.arguments = [
            "testnet", "up", "--dir", layout.directory, "--nodes", "\(nodes)", "--base-port", "\(options.basePort)",
            "--api-base-port", "\(options.apiBasePort)", "--load-accounts", "\(options.members)", "--timeout", "60",
        ]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        note("starting \(nodes) validators: greenledger \(process.arguments!.joined(separator: " "))")
        do { try process.run() } catch { throw CLIError("cannot start greenledger testnet up: \(error.localizedDescription)") }
        NetworkBench.startingValidators.store(process.processIdentifier, ordering: .relaxed)
        process.waitUntilExit()
        NetworkBench.startingValidators.store(0, ordering: .relaxed)
        guard process.terminationStatus == 0 else {
            let tail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(6).joined(separator: "\n") ?? ""
            throw CLIError("the bench validators did not start (testnet up exited \(process.terminationStatus)):\n\(tail)")
        }
    }

    /// Both cores' ECDSA P-256 verify rate, measured now, on a real transaction signature.
    static func verifyRate(cores: Int) throws -> Double {
        let key = try SigningKey()
        let digest = SHA256.hash(Array("bench network bound".utf8))
        let signature = try key.sign(digest: digest)
        let publicKey = key.publicKey
        return measureRate(threads: cores, seconds: 3) { precondition(publicKey.isValidSignature(signature, digest: digest)) }
    }

    /// Each node's `greenledger_signature_checks_total`, nil where unreadable.
    static func signatureChecks(_ clients: [NodeClient]) async -> [UInt64?] {
        var counts: [UInt64?] = []
        for client in clients {
            let text = try? await client.metricsText()
            let line = text?.split(separator: "\n").first { $0.hasPrefix("greenledger_signature_checks_total") }
            counts.append(line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { UInt64($0) })
        }
        return counts
    }

    /// Every validator's status once they agree on height (or after 20 s, as they are).
    static func settledStatuses(_ clients: [NodeClient]) async -> [StatusBody?] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            var statuses: [StatusBody?] = []
            for client in clients { statuses.append(try? await client.status()) }
            let heights = Set(statuses.map { $0?.height })
            if (heights.count == 1 && !heights.contains(nil)) || Date() > deadline { return statuses }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// A progress line on stderr (stdout carries the result).
func note(_ line: String) {
    ProgressOutput.line(line)
}
