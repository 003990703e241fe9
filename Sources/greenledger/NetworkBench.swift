import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Synchronization

/// `greenledger bench network`: a whole consortium on this machine under load, measured
/// from outside as a client would see it. See docs/benchmarks.md for the figures.
struct NetworkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Throughput and latency of a local network: its own consortium, unmodified validator processes, open-loop load over the API.",
        discussion: """
            Creates a consortium of --members funded members and --nodes validators in a scratch \
            directory (`greenledger testnet up`), measures the bound — this machine's ECDSA \
            verify rate on every core, divided by the validators (each checks every \
            transaction once) — signs every transaction before the clock starts, then submits \
            them over the HTTPS API: at --rate R transactions per second on a fixed schedule \
            (open loop: latency counts from when a batch was due, so a late submission is not \
            hidden), or with --rate max as fast as the validators commit, keeping --window \
            transactions outstanding. A follower reads the chain and times every commit.

            Reports committed tx/s and its ratio to the bound, latency p50/p90/p99/max, each \
            validator's CPU, memory, disk and signature checks per committed transaction (at \
            least 1: no path skips verification), and whether every validator holds the same \
            chain at the end. Exits non-zero when a transaction is lost, fails, or the \
            validators disagree. Build with -c release; debug figures are meaningless.

            Example: greenledger bench network --nodes 4 --duration 30 --rate max
            """
    )

    @Option(help: "Validators to run (1, 4, 7, …; at most 16).")
    var nodes: Int = 4

    @Option(help: "Seconds of load.")
    var duration: Double = 30

    @Option(help: ArgumentHelp("Transactions per second offered on a fixed schedule, or max.", valueName: "R|max"))
    var rate: String = "max"

    @Option(help: "transfer: fund transfers; mixed: nine in ten transfers, one in ten project registrations.")
    var payload: NetworkBenchPayload = .transfer

    @Option(help: "Funded members of the bench consortium (senders and recipients).")
    var members: Int = 1_000

    @Option(help: "Transactions per API submission (at most 500).")
    var batch: Int = 500

    @Option(help: ArgumentHelp(
        "Transactions to sign (default: rate × duration; with --rate max, 1.25 × bound × duration, at most 3,000,000). The load ends early when all are sent.",
        valueName: "count"))
    var transactions: Int?

    @Option(help: "With --rate max: transactions submitted and not yet committed, at most, over all validators.")
    var window: Int = 8_000

    @Option(help: "Seconds to wait after the load for every accepted transaction to commit.")
    var drainSeconds: Double = 60

    @Option(help: "Scratch directory (must not hold a testnet). Default: a new directory under /tmp, removed at the end unless --keep.")
    var dir: String?

    @Option(help: "Peer port of validator 0; validator i uses base + i.")
    var basePort: Int = 7400

    @Option(help: "Client API port of validator 0; validator i uses base + i.")
    var apiBasePort: Int = 8400

    @Option(help: "Also write the JSON result to this file.")
    var output: String?

    @Flag(help: "Print the JSON result on stdout instead of the summary.")
    var json = false

    @Flag(help: "Keep the scratch directory (the validators are stopped either way).")
    var keep = false

    func validate() throws {
        guard (1...16).contains(nodes) else { throw ValidationError("--nodes must be 1…16") }
        guard duration.isFinite, duration >= 1, duration <= 3_600 else { throw ValidationError("--duration must be 1…3600 seconds") }
        _ = try offeredRate()
        guard (2...TestnetCommand.loadAccountsMax).contains(members), members >= nodes else {
            throw ValidationError("--members must be 2…\(TestnetCommand.loadAccountsMax) and at least --nodes")
        }
        if let transactions, !(1...10_000_000).contains(transactions) { throw ValidationError("--transactions must be 1…10000000") }
        guard (1...500).contains(batch) else { throw ValidationError("--batch must be 1…500") }
        guard (1...100_000).contains(window) else { throw ValidationError("--window must be 1…100000") }
        guard drainSeconds.isFinite, drainSeconds >= 1, drainSeconds <= 3_600 else { throw ValidationError("--drain-seconds must be 1…3600") }
        for (name, port) in [("--base-port", basePort), ("--api-base-port", apiBasePort)] where !(1_024...(65_535 - nodes)).contains(port) {
            throw ValidationError("\(name) must be 1024…\(65_535 - nodes)")
        }
    }

    /// nil: max.
    func offeredRate() throws -> Double? {
        if rate == "max" { return nil }
        guard let value = Double(rate), value.isFinite, value >= 1, value <= 1_000_000 else {
            throw ValidationError("--rate must be max or transactions per second, 1…1000000 (got \(rate))")
        }
        return value
    }

    func run() async throws {
        let offered = try offeredRate()
        let directory = try scratchDirectory()
        let layout = TestnetLayout(directory: directory)
        let removeAtEnd = dir == nil && !keep
        let interrupt = Self.stopOnInterrupt(layout, remove: removeAtEnd)
        defer {
            interrupt.cancel()
            signal(SIGINT, SIG_DFL)
        }
        let result: NetworkBenchResult
        do {
            result = try await NetworkBenchRun(options: self, offered: offered, layout: layout).measure()
        } catch {
            Self.tearDown(layout, remove: removeAtEnd)
            throw error
        }
        Self.tearDown(layout, remove: removeAtEnd)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(result)
        var written: [String] = []
        for path in [output, removeAtEnd ? nil : "\(directory)/result.json"].compactMap({ $0 }) {
            do { try data.write(to: URL(fileURLWithPath: path)) } catch { throw CLIError("cannot write the result to \(path): \(error.localizedDescription)") }
            written.append(path)
        }
        if json {
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(result.summary)
            for path in written { print("result: \(path)") }
        }
        if let problem = result.problem { throw CLIError(problem) }
    }

    private func scratchDirectory() throws -> String {
        if let dir {
            guard !FileManager.default.fileExists(atPath: "\(dir)/genesis.json") else {
                throw CLIError("\(dir) already holds a testnet; give a new --dir (bench network always starts a fresh consortium)")
            }
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw CLIError("cannot create --dir \(dir): \(error.localizedDescription)")
            }
            return dir
        }
        var template = Array(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("greenledger-bench-XXXXXX").path.utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("cannot create a scratch directory under \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// Stops every validator of the run (SIGTERM, then SIGKILL), and removes the scratch directory.
    static func tearDown(_ layout: TestnetLayout, remove: Bool) {
        _ = LocalProcess.stop(layout.nodeIndices().compactMap(layout.runningPID))
        if remove { try? FileManager.default.removeItem(atPath: layout.directory) }
    }

    /// The `testnet up` child while it starts the validators (0 otherwise). It runs in its own
    /// process group, so a Ctrl-C at the terminal does not reach it: the handler stops it.
    static let startingValidators = Atomic<Int32>(0)

    /// Ctrl-C leaves no validator running: they run in their own sessions and would outlive us.
    static func stopOnInterrupt(_ layout: TestnetLayout, remove: Bool) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            ProgressOutput.line("\ninterrupted: stopping the bench validators")
            let starter = startingValidators.load(ordering: .relaxed)
            if starter > 0 { _ = LocalProcess.stop([starter], graceSeconds: 2) }
            tearDown(layout, remove: remove)
            Glibc.exit(130)
        }
        source.resume()
        return source
    }
}
