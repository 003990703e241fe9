import Foundation
import Synchronization
import LedgerCore
import LedgerCrypto
import Node

/// Drives the real `greenledger` binary (built by `swift build --build-tests`) against a
/// testnet in a temporary directory on loopback ports it picks itself.
final class TestnetHarness {
    static let instances = Mutex(0)
    let directory: String
    let binary: String
    let nodes: Int
    let basePort: Int
    let apiBasePort: Int

    init(nodes: Int = 4) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // GREENLEDGER_E2E_BINARY runs the same tests against another build (e.g. .build/release/greenledger).
        binary = ProcessInfo.processInfo.environment["GREENLEDGER_E2E_BINARY"] ?? root.appendingPathComponent(".build/debug/greenledger").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("\(binary) is missing: run `swift build --build-tests` first")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-e2e-\(UUID().uuidString)").path
        self.nodes = nodes
        // Ports from the process id and a per-process counter, so parallel runs on one machine
        // and harnesses running side by side in one test process do not collide: 16 blocks of
        // 8 ports per process, all below Linux's ephemeral range (32768…), which outgoing
        // connections use.
        let instance = TestnetHarness.instances.withLock { count -> Int in
            count += 1
            return count
        }
        let offset = Int(getpid() % 60) * 128 + (instance % 16) * 8
        basePort = 20_000 + offset
        apiBasePort = 10_000 + offset
    }

    deinit {
        _ = try? run(["testnet", "down", "--dir", directory], timeoutSeconds: 60)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `greenledger arguments`, returning (exit status, combined output).
    @discardableResult
    func run(_ arguments: [String], timeoutSeconds: Double = 120, workingDirectory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-e2e-out-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw HarnessError("cannot create \(output.path)") }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw HarnessError("greenledger \(arguments.joined(separator: " ")) did not finish in \(Int(timeoutSeconds)) s")
        }
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: output)
        return (process.terminationStatus, text)
    }

    func up(_ extraArguments: [String] = []) throws -> String {
        let result = try run([
            "testnet", "up", "--nodes", "\(nodes)", "--dir", directory, "--base-port", "\(basePort)", "--api-base-port", "\(apiBasePort)",
            "--timeout", "90",
        ] + extraArguments, timeoutSeconds: 150)
        guard result.status == 0 else { throw HarnessError("testnet up failed:\n\(result.output)\n\(logTails())") }
        return result.output
    }

    /// The testnet's CA: its client APIs serve HTTPS with certificates it issued.
    var caPath: String { "\(directory)/ca.pem" }

    func client(_ index: Int) throws -> NodeClient {
        var client = try NodeClient(url: "https://127.0.0.1:\(apiBasePort + index)", caFile: caPath)
        client.requestTimeoutMillis = 10_000
        return client
    }

    /// A transfer of `amount` EUR minor units to the demo project owner, signed by `signer`.
    func transfer(nonce: UInt64, amount: UInt64, purpose: String, signer: SigningKey) throws -> Transaction {
        try Transaction(
            chainID: try genesis.chainID, nonce: nonce,
            payload: .transferFunds(TransferFunds(
                to: try key("solar-owner").publicKey.address, currency: "EUR", amount: amount, category: .renewableEnergy,
                purpose: try Text(purpose))),
            signer: signer)
    }

    func key(_ member: String) throws -> SigningKey {
        try SigningKey(pem: String(contentsOfFile: "\(directory)/keys/\(member).pem", encoding: .utf8))
    }

    var genesis: Genesis { get throws { try Genesis(contentsOfFile: "\(directory)/genesis.json") } }

    func pid(_ index: Int) -> pid_t? {
        guard let text = try? String(contentsOfFile: "\(directory)/node-\(index)/node.pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `kill -9`: no shutdown path runs.
    func killHard(_ index: Int) throws {
        guard let pid = pid(index) else { throw HarnessError("node-\(index) has no pid file") }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline {
            _ = waitpid(pid, &status, WNOHANG)
            usleep(20_000)
        }
    }

    func dataDirectory(_ index: Int) -> String { "\(directory)/node-\(index)/data" }

    /// Starts one stopped validator (`node start`), logging to its node.log; `testnet down`
    /// stops it through its pid file like the others.
    @discardableResult
    func startNode(_ index: Int, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["node", "start", "--home", "\(directory)/node-\(index)"]
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let log = "\(directory)/node-\(index)/node.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try "\(process.processIdentifier)\n".write(toFile: "\(directory)/node-\(index)/node.pid", atomically: true, encoding: .utf8)
        return process
    }

    /// Node `index`'s whole log.
    func logTail(_ index: Int) -> String {
        (try? String(contentsOfFile: "\(directory)/node-\(index)/node.log", encoding: .utf8)) ?? ""
    }

    func logTails() -> String {
        (0..<nodes).map { index in
            let log = (try? String(contentsOfFile: "\(directory)/node-\(index)/node.log", encoding: .utf8)) ?? ""
            return "--- node-\(index)\n" + log.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeoutSeconds` pass. Bounded in time; the interval
/// is a poll period, not a guess that something happened.
func waitUntil(_ what: String, timeoutSeconds: Double, _ condition: () async -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while Date() < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw HarnessError("timed out after \(Int(timeoutSeconds)) s waiting for \(what)")
}
