import Audit
import LedgerCore
import LedgerCrypto
import Node
import Storage
import Synchronization

/// A `NodeService` that serves a real, executed chain (a `SyntheticChain`'s store) from the
/// chain export, and reports its height and a genesis hash in its status. Tests tamper with
/// what it serves, or make it claim another genesis, as a dishonest node would.
final class ChainServingNodeService: NodeService {
    let chainID: Identifier
    let reportedGenesisHash: Digest
    private let entries: Mutex<[ChainExport.Entry]>

    init(_ chain: SyntheticChain, reportedGenesisHash: Digest? = nil) throws {
        chainID = chain.genesis.chainID
        self.reportedGenesisHash = reportedGenesisHash ?? chain.genesis.hash
        entries = Mutex(try chain.store.exportEntries(1...max(chain.state.height, 1)))
    }

    /// Changes what is served for block `height`.
    func tamper(height: UInt64, _ change: (inout ChainExport.Entry) -> Void) {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.raw.height == height }) else { return }
            change(&entries[index])
        }
    }

    func submit(_ transactions: [Transaction]) async -> [AdmissionResult] { [] }
    func waitForCommit(of transactionID: Digest, timeoutMillis: UInt64) async throws(NodeServiceError) -> TransactionStatus { .unknown }
    func transactionStatus(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionStatus { .unknown }
    func block(at height: UInt64) async throws(NodeServiceError) -> CommittedBlock? { nil }
    func account(_ address: Address) async throws(NodeServiceError) -> Account? { nil }
    func transactionProof(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionProofLookup { .unknown }
    func metrics() async -> NodeMetrics { NodeMetrics(node: "chain-serving") }
    func queries() throws(NodeServiceError) -> LedgerQueries { throw .unavailable(reason: "this test service serves the chain export only") }

    func status() async -> NodeStatus {
        let (height, last) = entries.withLock { ($0.last?.raw.height ?? 0, $0.last.flatMap { Digest(bytes: $0.raw.hash) } ?? .zero) }
        return NodeStatus(
            chainID: chainID, genesisHash: reportedGenesisHash, nodeName: "validator-0", height: height, lastBlockHash: last, view: 0,
            primary: "validator-0", peersConnected: 0, peersTotal: 0, mempoolSize: 0, mempoolBytes: 0)
    }

    func chainEntries(_ heights: ClosedRange<UInt64>) async throws(NodeServiceError) -> [ChainExport.Entry] {
        entries.withLock { $0.filter { heights.contains($0.raw.height) } }
    }
}
