import LedgerCore
import LedgerCrypto
import Logging
import Node
import Testing

@Suite("NodeClient over loopback")
struct NodeClientLoopbackTests {
    /// Runs the API on 127.0.0.1 with an ephemeral port, hands the bound port to `body`, then
    /// stops the server and waits for it to finish.
    func withServer(_ service: FakeNodeService, _ body: (Int) async throws -> Void) async throws {
        // Stopping by cancellation makes Hummingbird log the cut connections as errors; keep
        // the test output to real failures.
        var logger = Logger(label: "greenledger.api")
        logger.logLevel = .critical
        let server = APIServer(service: service, configuration: APIConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let serving = Task { try await server.run(onListening: { port in continuation.yield(port) }) }
        defer { serving.cancel() }
        // Wait for the listening port, with a deadline rather than a sleep.
        let port = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { await ports.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        let bound = try #require(port, "the API server did not start listening within 10 s")
        try await body(bound)
        serving.cancel()
        _ = await serving.result
    }

    @Test("the client submits, waits for the commit and reads everything back from a real server")
    func roundTrip() async throws {
        let service = try FakeNodeService(commitOnWait: true)
        try await withServer(service) { port in
            let client = NodeClient(host: "127.0.0.1", port: port, requestTimeoutMillis: 5_000)
            #expect(try await client.health().body == HealthBody(status: "ok"))

            let first = try service.consortium.transfer(from: 0, nonce: 1)
            let second = try service.consortium.transfer(from: 0, nonce: 2)
            let batch = try await client.submit([first, second])
            #expect(batch.map(\.status) == ["accepted", "accepted"])
            #expect(try await client.transaction(first.id).status == "pending")

            let third = try service.consortium.transfer(from: 2, nonce: 2)
            let waited = try await client.submit([third], waitMillis: 2_000)
            let commit = try #require(waited.first?.commit).verifiableCommit()
            try commit.certificate.verify(
                chainID: service.genesis.chainID, genesisHash: service.genesis.hash, validators: service.genesis.validatorSet)
            #expect(commit.transactionID == third.id)

            let block = try await client.block(at: commit.height)
            #expect(block.transactionIds == [third.id.hex])
            let raw = try await client.rawBlock(at: commit.height)
            #expect(raw.block.hash == commit.header.hash)
            #expect(raw.certificate == commit.certificate)

            let account = try await client.account(service.consortium.address(2))
            #expect(account.nonce == 2)
            let status = try await client.status()
            #expect(status.height == 2)
            #expect(status.mempoolSize == 2)
        }
    }

    @Test("API errors, unreachable nodes and bad URLs become descriptive NodeClientErrors")
    func errors() async throws {
        let service = try FakeNodeService()
        try await withServer(service) { port in
            let client = NodeClient(host: "127.0.0.1", port: port, requestTimeoutMillis: 5_000)
            await #expect(throws: NodeClientError.api(
                status: 404, code: "unknown-block",
                message: "no committed block at height 9 yet; GET /v1/status shows the node's height")) {
                try await client.block(at: 9)
            }
            let stale = try service.consortium.transfer(from: 1, nonce: 1, amount: 5)
            #expect(try await client.submit([stale]).first?.error?.code == "stale-nonce")
        }
        // Nothing listens on port 1: the connection is refused quickly.
        let unreachable = NodeClient(host: "127.0.0.1", port: 1, requestTimeoutMillis: 2_000)
        do {
            _ = try await unreachable.status()
            Issue.record("expected a connection failure")
        } catch {
            if case .connectionFailed = error {} else { Issue.record("unexpected \(error)") }
        }
        #expect(throws: NodeClientError.invalidURL("ftp://x")) { try NodeClient(url: "ftp://x") }
        #expect(try NodeClient(url: "http://127.0.0.1:8080").port == 8080)
    }
}
