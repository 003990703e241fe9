import Foundation
import Testing

/// `greenledger bench network`: the load generator in the product, run small.
@Suite("End to end: bench network", .serialized)
struct NetworkBenchEndToEndTests {
    @Test("its own consortium, open-loop load: every transaction commits once, every validator checked every signature and holds the same chain")
    func smallRun() throws {
        let net = try TestnetHarness(nodes: 4)
        let resultPath = "\(net.directory)-result.json"
        defer { try? FileManager.default.removeItem(atPath: resultPath) }
        let run = try net.run(
            [
                "bench", "network", "--nodes", "4", "--duration", "3", "--rate", "150", "--members", "40", "--dir", net.directory,
                "--base-port", "\(net.basePort)", "--api-base-port", "\(net.apiBasePort)", "--output", resultPath,
            ], timeoutSeconds: 240)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("committed"), "no progress or summary:\n\(run.output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: resultPath))
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let transactions = try #require(result["transactions"] as? [String: Any])
        #expect(transactions["signed"] as? Int == 450)
        #expect(transactions["submitted"] as? Int == 450)
        #expect(transactions["committed"] as? Int == 450)
        #expect(transactions["unresolved"] as? Int == 0)
        #expect(transactions["failedReceipts"] as? Int == 0)
        #expect(result["sameChain"] as? Bool == true)
        let bound = try #require(result["bound"] as? [String: Any])
        #expect((bound["verifyPerSecond"] as? Double ?? 0) > 100)
        let latency = try #require(result["latency"] as? [String: Any])
        let p50 = try #require(latency["p50Millis"] as? Double)
        let maximum = try #require(latency["maxMillis"] as? Double)
        #expect(p50 > 0 && p50 <= maximum)
        let nodes = try #require(result["nodes"] as? [[String: Any]])
        #expect(nodes.count == 4)
        for node in nodes {
            // Each validator computed at least one ECDSA check per committed transaction.
            #expect((node["signatureChecksPerCommitted"] as? Double ?? 0) >= 1, "\(node)")
            #expect((node["cpuSeconds"] as? Double ?? 0) > 0, "\(node)")
            #expect((node["rssMiB"] as? Double ?? 0) > 1, "\(node)")
        }
        // Nothing is left running: no live process has one of the bench's validator homes on its
        // command line (a node removes its pid file when it exits cleanly, so the files cannot tell).
        let survivors = processes(mentioning: "\(net.directory)/node-")
        #expect(survivors.isEmpty, "validators still running after the bench: \(survivors)")
    }

    @Test("bad options are refused with a sentence before anything starts")
    func badOptions() throws {
        let net = try TestnetHarness(nodes: 1)
        for (arguments, phrase) in [
            (["--rate", "0"], "--rate must be max or"), (["--rate", "nan"], "--rate must be max or"), (["--nodes", "0"], "--nodes must be"),
            (["--members", "1"], "--members must be"), (["--duration", "inf"], "--duration must be"),
        ] {
            let run = try net.run(["bench", "network", "--dir", net.directory] + arguments, timeoutSeconds: 30)
            #expect(run.status != 0, "\(arguments): \(run.output)")
            #expect(run.output.contains(phrase), "\(arguments): \(run.output)")
            #expect(!FileManager.default.fileExists(atPath: net.directory), "\(arguments) created \(net.directory)")
        }
    }
}

/// Alive and not a zombie: a validator `testnet up` started is reparented when it exits, and
/// may linger as a zombie nobody reaps, which `kill(pid, 0)` still finds.
/// Pids of live (not zombie) processes whose command line contains `text`.
private func processes(mentioning text: String) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(pid_t.init).filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
            String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        else { return false }
        return isRunning(pid)
    }
}

private func isRunning(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
    return state != "Z" && state != "X"
}
