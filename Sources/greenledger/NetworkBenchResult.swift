import Foundation
import Node

/// What `bench network` measured: the JSON result (`--json`, `--output`) and its summary.
struct NetworkBenchResult: Codable, Sendable {
    struct Machine: Codable, Sendable {
        var cores: Int
        var cpu: String
    }

    struct Bound: Codable, Sendable {
        /// ECDSA P-256 verifications per second on every core, measured in this run.
        var verifyPerSecond: Double
        /// verifyPerSecond ÷ validators: every validator checks every transaction once.
        var transactionsPerSecond: Double
    }

    struct Transactions: Codable, Sendable {
        var signed: Int
        var submitted: Int
        var accepted: Int
        var committed: Int
        var committedInWindow: Int
        var failedReceipts: Int
        /// Submitted, never refused, not seen committed when the drain ended: lost, if nonzero.
        var unresolved: Int
        var refused: [String: Int]
        var resent: [String: Int]
    }

    struct Latency: Codable, Sendable {
        var p50Millis: Double?
        var p90Millis: Double?
        var p99Millis: Double?
        var maxMillis: Double?
    }

    /// Commit rate of the first and the last tenth of the transactions committed during the load.
    struct Growth: Codable, Sendable {
        var firstTenthPerSecond: Double
        var lastTenthPerSecond: Double
        var change: Double
    }

    struct NodeFigures: Codable, Sendable {
        var name: String
        var cpuSeconds: Double
        var cpuCores: Double
        var rssMiB: Double
        var peakRSSMiB: Double
        /// nil when the node's metrics could not be read before or after the load.
        var signatureChecks: UInt64?
        var signatureChecksPerCommitted: Double
        /// The data directory: database and WAL (up to 32 MiB between checkpoints).
        var diskBytes: Int
        var diskBytesPerTransaction: Double
        var height: UInt64?
        var lastBlockHash: String?
    }

    var validators: Int
    var members: Int
    var payload: String
    var offeredPerSecond: Double?
    var window: Int?
    var batch: Int
    var durationSeconds: Double
    /// The load window the rate is over: the duration, or less when everything committed sooner.
    var loadSecondsMeasured: Double
    var elapsedSeconds: Double
    var machine: Machine
    var bound: Bound
    var transactions: Transactions
    /// Transactions committed during the load window, per second of it.
    var committedPerSecond: Double
    var ratioToBound: Double
    var latency: Latency
    var growth: Growth?
    var benchCPUSeconds: Double
    var sameChain: Bool
    var nodes: [NodeFigures]

    init(
        options: NetworkBench, offered: Double?, cores: Int, verifyPerSecond: Double, bound: Double, signed: Int,
        figures: NetworkBenchTracker.Figures, start: UInt64, windowEnd: UInt64, elapsedSeconds: Double, benchCPUSeconds: Double,
        nodes: [NodeFigures]
    ) {
        validators = options.nodes
        members = options.members
        payload = options.payload.rawValue
        offeredPerSecond = offered
        window = offered == nil ? options.window : nil
        batch = options.batch
        durationSeconds = options.duration
        self.elapsedSeconds = elapsedSeconds
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        machine = Machine(cores: cores, cpu: model ?? "unknown")
        self.bound = Bound(verifyPerSecond: verifyPerSecond, transactionsPerSecond: bound)
        transactions = Transactions(
            signed: signed, submitted: figures.submitted, accepted: figures.accepted, committed: figures.committed,
            committedInWindow: figures.committedInWindow, failedReceipts: figures.failedReceipts, unresolved: figures.open,
            refused: figures.refusals, resent: figures.retries)
        // Over the load window; when every signed transaction committed before it ended, up to
        // the last commit.
        let plannedEnd = figures.open == 0 && figures.submitted == signed ? figures.lastCommitInWindowNanos : windowEnd
        let loadSeconds = Double(min(windowEnd, max(plannedEnd, start + 1)) - start) / 1e9
        loadSecondsMeasured = loadSeconds
        committedPerSecond = Double(figures.committedInWindow) / loadSeconds
        ratioToBound = committedPerSecond / bound
        func millis(_ q: Double) -> Double? { figures.histogram.value(atQuantile: q).map { Double($0) / 1_000 } }
        latency = Latency(p50Millis: millis(0.5), p90Millis: millis(0.9), p99Millis: millis(0.99), maxMillis: millis(1))
        growth = Self.growth(figures.timeline.filter { $0.nanos <= windowEnd }, start: start)
        self.benchCPUSeconds = benchCPUSeconds
        let tips = Set(nodes.map { "\($0.height.map(String.init) ?? "?")/\($0.lastBlockHash ?? "?")" })
        sameChain = tips.count == 1 && nodes.allSatisfy { $0.height != nil }
        self.nodes = nodes
    }

    static func growth(_ timeline: [(nanos: UInt64, committed: Int)], start: UInt64) -> Growth? {
        guard let last = timeline.last, last.committed >= 1_000 else { return nil }
        let total = last.committed
        guard let tenth = timeline.first(where: { $0.committed * 10 >= total }),
            let ninth = timeline.first(where: { $0.committed * 10 >= total * 9 }),
            tenth.nanos > start, last.nanos > ninth.nanos
        else { return nil }
        let first = Double(tenth.committed) / (Double(tenth.nanos - start) / 1e9)
        let lastRate = Double(total - ninth.committed) / (Double(last.nanos - ninth.nanos) / 1e9)
        return Growth(firstTenthPerSecond: first, lastTenthPerSecond: lastRate, change: lastRate / first - 1)
    }

    /// Why the run failed, if it did: anything lost, failed or disagreeing, or a validator
    /// that computed fewer signature checks than transactions committed.
    var problem: String? {
        var problems: [String] = []
        if transactions.unresolved > 0 { problems.append("\(transactions.unresolved) submitted transactions neither committed nor refused") }
        if transactions.failedReceipts > 0 { problems.append("\(transactions.failedReceipts) transactions committed with a failed receipt") }
        if !sameChain { problems.append("the validators do not hold the same chain at the end") }
        // Every planned transaction is valid: a refusal that did not clear is a failure too.
        let refused = transactions.refused.values.reduce(0, +)
        if refused > 0 {
            problems.append("\(refused) transactions refused for good (\(transactions.refused.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
        }
        for node in nodes where node.signatureChecks == nil { problems.append("\(node.name)'s signature counter could not be read") }
        for node in nodes where transactions.committed > 0 && node.signatureChecks != nil && node.signatureChecksPerCommitted < 1 {
            problems.append("\(node.name) computed \(node.signatureChecks ?? 0) signature checks for \(transactions.committed) committed transactions")
        }
        if transactions.committed == 0 { problems.append("nothing committed") }
        return problems.isEmpty ? nil : "bench network failed: " + problems.joined(separator: "; ")
    }

    var summary: String {
        func number(_ value: Double) -> String { String(format: "%.0f", value) }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "-" }
        func counts(_ table: [String: Int]) -> String {
            table.isEmpty ? "none" : table.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var lines = [
            "bench network: \(validators) validators, \(members) members, \(payload), rate \(offeredPerSecond.map { "\(number($0)) tx/s" } ?? "max (window \(window ?? 0))"), \(number(durationSeconds)) s, batches of \(batch); \(machine.cores) cores, \(machine.cpu)",
            "bound: \(number(bound.verifyPerSecond)) verify/s on \(machine.cores) cores ÷ \(validators) = \(number(bound.transactionsPerSecond)) tx/s",
            "committed \(transactions.committedInWindow) in \(String(format: "%.1f", loadSecondsMeasured)) s of load: \(number(committedPerSecond)) tx/s = \(String(format: "%.0f", ratioToBound * 100)) % of the bound",
            "latency p50 \(ms(latency.p50Millis)), p90 \(ms(latency.p90Millis)), p99 \(ms(latency.p99Millis)), max \(ms(latency.maxMillis)) (from when each batch was due to its block seen committed)",
            "transactions: signed \(transactions.signed), submitted \(transactions.submitted), accepted \(transactions.accepted), committed \(transactions.committed), failed receipts \(transactions.failedReceipts), unresolved \(transactions.unresolved); refused: \(counts(transactions.refused)); resent: \(counts(transactions.resent))",
        ]
        if let growth {
            lines.append(String(format: "growth: first tenth %.0f tx/s, last tenth %.0f tx/s (%+.1f %%)", growth.firstTenthPerSecond, growth.lastTenthPerSecond, growth.change * 100))
        }
        for node in nodes {
            let figures = String(
                format: "cpu %.1f s (%.2f cores), rss %.0f MiB (peak %.0f), signature checks %.2f per tx, disk %.1f MiB with WAL (%.0f B per tx)",
                node.cpuSeconds, node.cpuCores, node.rssMiB, node.peakRSSMiB, node.signatureChecksPerCommitted,
                Double(node.diskBytes) / 1_048_576, node.diskBytesPerTransaction)
            lines.append("\(node.name): \(figures), height \(node.height.map(String.init) ?? "?")")
        }
        lines.append(String(format: "bench process: cpu %.1f s", benchCPUSeconds))
        lines.append(sameChain ? "every validator holds the same chain (height \(nodes.first?.height ?? 0))" : "VALIDATORS DISAGREE at the end")
        return lines.joined(separator: "\n")
    }
}
