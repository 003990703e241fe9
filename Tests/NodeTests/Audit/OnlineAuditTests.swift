import Audit
import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Storage
import Testing

/// The online audit end to end over the real API server and NodeClient: a node serving a real
/// chain passes exactly like the offline audit; a node serving a tampered block fails at that
/// block; a node of another genesis fails before any block.
@Suite("Online audit over GET /v1/chain")
struct OnlineAuditTests {
    /// A real chain of `blocks` blocks of transfers in a fresh directory (removed by the caller).
    func makeChain(blocks: Int, directory: String) throws -> SyntheticChain {
        let chain = try SyntheticChain(directory: directory, validators: 4, members: 6)
        for height in 1...blocks {
            try chain.append(try (0..<3).map { index in
                try chain.transfer(from: (height + index) % 6, to: (height + index + 1) % 6, amount: UInt64(100 + index),
                                   category: index % 2 == 0 ? .renewableEnergy : .cleanTransportation)
            })
        }
        return chain
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-online-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Audits `service` online through a real server, in batches of `batch` blocks.
    func auditOnline(_ service: ChainServingNodeService, genesis: Genesis, batch: Int = 5) async throws -> AuditReport {
        let server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
        var report: AuditReport?
        try await withRunningServer(server) { api in
            let client = NodeClient(host: "127.0.0.1", port: api.port)
            let status = try await client.status()
            let source = RemoteAuditSource(genesisHash: Digest(hex: status.genesisHash), height: status.height, batchBlocks: batch) { from, count in
                try await client.chainExport(from: from, count: count)
            }
            report = await ChainAuditor(genesis: genesis).audit(source, options: .init())
        }
        return try #require(report)
    }

    @Test("an honest node's chain passes with the same figures as the offline audit; state tables are not compared online")
    func honestNodePasses() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 17, directory: directory)
        let online = try await auditOnline(try ChainServingNodeService(chain), genesis: chain.genesis)
        let offline = await ChainAuditor(genesis: chain.genesis).audit(try LedgerStore.openForAudit(directory: directory))
        #expect(online.passed, "\(String(describing: online.failure))")
        #expect((online.blocksChecked, online.transactionsChecked, online.certificatesChecked) == (17, 51, 17))
        #expect(online.signaturesChecked == offline.signaturesChecked)
        #expect(online.flows == offline.flows)
        #expect(!online.stateTablesChecked)
        #expect(online.stateNotCompared?.hasPrefix("online") == true)
        #expect(offline.stateTablesChecked)
    }

    @Test("a flipped signature byte fails at that height")
    func flippedSignature() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 12, directory: directory)
        let service = try ChainServingNodeService(chain)
        service.tamper(height: 7) { entry in
            var body = entry.raw.body
            body[body.count - 2] ^= 0x01  // inside the last transaction's signature
            entry.raw = RawBlock(
                height: entry.raw.height, hash: entry.raw.hash, header: entry.raw.header, body: body, certificate: entry.raw.certificate,
                stateRootAfter: entry.raw.stateRootAfter, receiptsRootAfter: entry.raw.receiptsRootAfter)
        }
        let report = try await auditOnline(service, genesis: chain.genesis)
        #expect(report.failure?.height == 7, "\(String(describing: report.failure))")
        #expect(report.blocksChecked == 6)
    }

    @Test("a changed receipt fails at that height")
    func changedReceipt() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 12, directory: directory)
        let service = try ChainServingNodeService(chain)
        service.tamper(height: 11) { entry in
            let id = entry.receipts[0].transactionID
            entry.receipts[0] = Receipt(transactionID: id, outcome: .failure(TransactionFailure(.insufficientFunds, "made up")))
        }
        let report = try await auditOnline(service, genesis: chain.genesis, batch: 4)
        #expect(report.failure?.height == 11)
        #expect(report.failure?.problem == "the stored receipts differ from the replayed receipts")
    }

    @Test("a chain that cannot be read gives no verdict: not a failure at the height where reading stopped")
    func unreadableChainIsNoFinding() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 12, directory: directory)
        let service = try ChainServingNodeService(chain)
        let server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
        var report: AuditReport?
        try await withRunningServer(server) { api in
            let client = NodeClient(host: "127.0.0.1", port: api.port)
            let status = try await client.status()
            // The first batch arrives; then the node is gone.
            let source = RemoteAuditSource(genesisHash: Digest(hex: status.genesisHash), height: status.height, batchBlocks: 5) { from, count in
                guard from == 1 else { throw NodeClientError.connectionFailed(endpoint: "127.0.0.1:\(api.port)", reason: "connection reset") }
                return try await client.chainExport(from: from, count: count)
            }
            var options = ChainAuditor.Options()
            options.batchBlocks = 5
            report = await ChainAuditor(genesis: chain.genesis).audit(source, options: options)
        }
        let result = try #require(report)
        #expect(result.failure == nil, "a transport error is no finding about the chain")
        #expect(result.unreadable?.height == 6)
        #expect(result.unreadable?.problem.contains("connection reset") == true)
        #expect(!result.passed)
        #expect(result.blocksChecked == 5)
    }

    @Test("a node of another genesis is refused before any block, naming both hashes")
    func anotherGenesis() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 3, directory: directory)
        let other = SHA256.hash([9])
        let report = try await auditOnline(try ChainServingNodeService(chain, reportedGenesisHash: other), genesis: chain.genesis)
        #expect(report.failure?.height == 0)
        #expect(report.failure?.problem == "the data belongs to genesis \(other.hex), not the supplied genesis \(chain.genesis.hash.hex)")
        #expect(report.blocksChecked == 0)
    }

    @Test("GET /v1/chain validates from and count with a sentence, and sends the asked run")
    func endpointValidation() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let chain = try makeChain(blocks: 9, directory: directory)
        let server = APIServer(service: try ChainServingNodeService(chain), configuration: loopbackConfiguration(), logger: quietAPILogger())
        try await withRunningServer(server) { api in
            for (query, sentence) in [
                ("", "from is required: the first block height to export, a whole number from 1"),
                ("?from=0", "from must be a block height, a whole number from 1, got \"0\""),
                ("?from=x", "from must be a block height, a whole number from 1, got \"x\""),
                ("?from=1&count=0", "count must be a whole number from 1 to 256, got \"0\""),
                ("?from=1&count=257", "count must be a whole number from 1 to 256, got \"257\""),
                ("?from=1&count=-1", "count must be a whole number from 1 to 256, got \"-1\""),
            ] {
                let response = try await send(api, .get, "/v1/chain\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(try decode(ErrorBody.self, response).error == .init(code: "invalid-parameter", message: sentence), "\(query)")
            }
            let beyond = try await send(api, .get, "/v1/chain?from=10")
            #expect(beyond.status == .notFound)
            #expect(errorCode(beyond) == "unknown-block")

            let run = try await send(api, .get, "/v1/chain?from=3&count=4")
            #expect(run.status == .ok)
            #expect(run.headers[.contentType] == "application/octet-stream")
            let entries = try ChainExport.decode(run.body)
            #expect(entries.map(\.raw.height) == [3, 4, 5, 6])
            #expect(entries == (try chain.store.exportEntries(3...6)))
            let tail = try ChainExport.decode(try await send(api, .get, "/v1/chain?from=8").body)
            #expect(tail.map(\.raw.height) == [8, 9])
        }
    }
}
