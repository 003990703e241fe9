import Foundation
import Testing

/// `greenledger testnet down` against validators it did not start itself.
@Suite("End to end: testnet down", .serialized)
struct TestnetDownEndToEndTests {
    @Test("a validator whose parent does not reap it counts as stopped once it exits: no 10 s wait, no kill")
    func unreapedValidatorIsStopped() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let first = try net.run(["testnet", "down", "--dir", net.directory])
        #expect(first.status == 0, "\(first.output)")

        // Start the validator under a parent that never waits for its children (`sleep`, what
        // a supervisor or a test driver that is busy looks like): once it exits it stays a
        // zombie, which `kill(pid, 0)` still finds.
        let home = "\(net.directory)/node-0"
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = ["-c", "'\(net.binary)' node start --home '\(home)' >> '\(home)/node.log' 2>&1 & echo $! > '\(home)/node.pid'; exec sleep 120"]
        try parent.run()
        defer { parent.terminate() }
        try await waitUntil("node-0 answers", timeoutSeconds: 60) { (try? await net.client(0).status()) != nil }

        let down = try net.run(["testnet", "down", "--dir", net.directory], timeoutSeconds: 60)
        #expect(down.status == 0, "\(down.output)")
        #expect(down.output.contains("stopped node-0"), "\(down.output)")
        #expect(!down.output.contains("killed"), "a validator that exited on SIGTERM was waited for and killed:\n\(down.output)")
        #expect(net.logTail(0).contains("stopped validator-0"), "\(net.logTail(0))")
    }
}
