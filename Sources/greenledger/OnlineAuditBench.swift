import Audit
import Foundation
import LedgerCore
import LedgerCrypto
import Logging
import Node
import Storage
import Synchronization

/// `bench verify --online`: serves a generated chain through the real API server on loopback
/// (GET /v1/chain) and audits it with the online audit, so the figure includes the export,
/// HTTP, decoding and the overlap of fetching with checking.
enum OnlineAuditBench {
    static func run(directory: String, genesis: Genesis) async throws -> AuditReport {
        let service = StoreChainService(store: try LedgerStore(directory: directory, genesis: genesis))
        var logger = Logger(label: "greenledger.bench")
        logger.logLevel = .critical
        let server = APIServer(service: service, configuration: APIConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let serving = Task {
            defer { continuation.finish() }
            try await server.run(onListening: { continuation.yield($0) })
        }
        defer { serving.cancel() }
        guard let port = await ports.first(where: { _ in true }) else {
            _ = try await serving.value
            throw CLIError("the bench's API server did not start")
        }
        let client = NodeClient(host: "127.0.0.1", port: port)
        let status = try await client.status()
        let source = RemoteAuditSource(genesisHash: Digest(hex: status.genesisHash), height: status.height) { from, count in
            try await client.chainExport(from: from, count: count)
        }
        return await ChainAuditor(genesis: genesis).audit(source)
    }
}

/// Serves a store's chain export and its height; nothing else (bench only).
private final class StoreChainService: NodeService {
    private let store: Mutex<LedgerStore>
    private let genesis: Genesis

    init(store: sending LedgerStore) {
        genesis = store.genesis
        self.store = Mutex(store)
    }

    func submit(_ transactions: [Transaction]) async -> [AdmissionResult] { [] }
    func waitForCommit(of transactionID: Digest, timeoutMillis: UInt64) async throws(NodeServiceError) -> TransactionStatus { .unknown }
    func transactionStatus(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionStatus { .unknown }
    func block(at height: UInt64) async throws(NodeServiceError) -> CommittedBlock? { nil }
    func account(_ address: Address) async throws(NodeServiceError) -> Account? { nil }

    func status() async -> NodeStatus {
        NodeStatus(
            chainID: genesis.chainID, genesisHash: genesis.hash, nodeName: "bench", height: store.withLock { $0.height },
            lastBlockHash: .zero, view: 0, primary: "bench", peersConnected: 0, peersTotal: 0, mempoolSize: 0, mempoolBytes: 0)
    }

    func transactionProof(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionProofLookup { .unknown }
    func metrics() async -> NodeMetrics { NodeMetrics(node: "bench") }
    func queries() throws(NodeServiceError) -> LedgerQueries { throw .unavailable(reason: "the bench serves the chain export only") }

    func chainEntries(_ heights: ClosedRange<UInt64>) async throws(NodeServiceError) -> [ChainExport.Entry] {
        do { return try store.withLock { store throws(StorageError) in try store.exportEntries(heights) } } catch {
            throw .storage(reason: "\(error)")
        }
    }
}
