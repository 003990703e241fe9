import LedgerCore
import LedgerCrypto
import Storage

/// What the client API needs from the node. The node implements it over its mempool, store,
/// state and consensus driver; tests implement it with a fake. Every method is called from
/// request tasks concurrently.
public protocol NodeService: Sendable {
    /// Admits signed transactions to the mempool; `result[i]` answers `transactions[i]`.
    func submit(_ transactions: [Transaction]) async -> [AdmissionResult]

    /// The receipts `transactions` would get if they were the next block's, against the
    /// committed state, changing nothing (`LedgerState.simulate`). Signatures are the caller's.
    func simulate(_ transactions: [Transaction]) async throws(NodeServiceError) -> SimulationResult

    /// Returns once the transaction is committed, or after `timeoutMillis` with whatever its
    /// status then is (pending or unknown).
    func waitForCommit(of transactionID: Digest, timeoutMillis: UInt64) async throws(NodeServiceError) -> TransactionStatus

    func transactionStatus(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionStatus

    /// The committed block at `height` with its certificate, nil above the node's height.
    func block(at height: UInt64) async throws(NodeServiceError) -> CommittedBlock?

    /// The committed account of `address`, nil when it has none (not a member).
    func account(_ address: Address) async throws(NodeServiceError) -> Account?

    func status() async -> NodeStatus

    // MARK: - Proofs

    /// The proof bundle of a committed transaction (docs/formats.md), or why there is none yet.
    func transactionProof(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionProofLookup

    // MARK: - Metrics

    /// The node's metrics, brought up to date, for `GET /metrics`.
    func metrics() async -> NodeMetrics

    // MARK: - Queries

    /// Read-only queries over the committed ledger (lists, projects, credits, bonds). They run
    /// on their own SQLite connections in the caller's task, never on the node's actor.
    func queries() throws(NodeServiceError) -> LedgerQueries

    // MARK: - Chain export

    /// The committed blocks in `heights` exactly as stored (header, transactions, certificate,
    /// roots after) with their receipts, in height order; fewer when the chain ends first.
    func chainEntries(_ heights: ClosedRange<UInt64>) async throws(NodeServiceError) -> [ChainExport.Entry]

    // MARK: - Evidence

    /// Equivocation evidence this node stored, newest first, of one validator if given.
    func evidence(validator: UInt16?, limit: Int) async throws(NodeServiceError) -> [StoredEvidence]
}

/// What `NodeService.simulate` found, and at which committed height.
public struct SimulationResult: Sendable, Hashable {
    public let height: UInt64
    public let receipts: [Receipt]

    public init(height: UInt64, receipts: [Receipt]) {
        self.height = height
        self.receipts = receipts
    }
}

extension NodeService {
    /// A service without a ledger state (test fakes) cannot simulate.
    public func simulate(_ transactions: [Transaction]) async throws(NodeServiceError) -> SimulationResult {
        throw .unavailable(reason: "this service keeps no ledger state to simulate on")
    }

    /// A service that keeps no evidence (test fakes, an offline chain) has none to list.
    public func evidence(validator: UInt16?, limit: Int) async throws(NodeServiceError) -> [StoredEvidence] { [] }
}

/// Where a transaction stands, as far as this node knows.
public enum TransactionStatus: Sendable, Hashable {
    /// In this node's mempool (admitted, not yet committed).
    case pending
    case committed(TransactionCommit)
    /// Neither pending here nor committed.
    case unknown
}

/// A committed transaction with everything a client needs to check it offline against its
/// own genesis: the block header, the commit certificate for it and the Merkle proof of
/// inclusion under the header's transactions root.
public struct TransactionCommit: Sendable, Hashable {
    public let transactionID: Digest
    public let height: UInt64
    public let position: Int
    public let receipt: Receipt
    public let header: BlockHeader
    public let certificate: CommitCertificate
    public let proof: MerkleProof

    public init(
        transactionID: Digest, height: UInt64, position: Int, receipt: Receipt, header: BlockHeader,
        certificate: CommitCertificate, proof: MerkleProof
    ) {
        self.transactionID = transactionID
        self.height = height
        self.position = position
        self.receipt = receipt
        self.header = header
        self.certificate = certificate
        self.proof = proof
    }
}

/// A committed block and the certificate that commits it.
public struct CommittedBlock: Sendable, Hashable {
    public let block: Block
    public let certificate: CommitCertificate

    public init(block: Block, certificate: CommitCertificate) {
        self.block = block
        self.certificate = certificate
    }
}

/// What the node reports about itself.
public struct NodeStatus: Sendable, Hashable {
    public var chainID: Identifier
    public var genesisHash: Digest
    /// This validator's name in the genesis.
    public var nodeName: String
    /// Height of the last committed block (0 = genesis only).
    public var height: UInt64
    public var lastBlockHash: Digest
    public var view: UInt64
    /// Name of the primary of `view`.
    public var primary: String
    public var peersConnected: Int
    public var peersTotal: Int
    public var mempoolSize: Int
    public var mempoolBytes: Int
    /// Seconds since this node last committed a block (or started, if it has not).
    public var secondsSinceCommit: UInt64?
    public var health: NodeHealth

    public init(
        chainID: Identifier, genesisHash: Digest, nodeName: String, height: UInt64, lastBlockHash: Digest, view: UInt64,
        primary: String, peersConnected: Int, peersTotal: Int, mempoolSize: Int, mempoolBytes: Int,
        secondsSinceCommit: UInt64? = nil, health: NodeHealth = NodeHealth(problems: [])
    ) {
        self.secondsSinceCommit = secondsSinceCommit
        self.health = health
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.nodeName = nodeName
        self.height = height
        self.lastBlockHash = lastBlockHash
        self.view = view
        self.primary = primary
        self.peersConnected = peersConnected
        self.peersTotal = peersTotal
        self.mempoolSize = mempoolSize
        self.mempoolBytes = mempoolBytes
    }
}

/// Why the node could not answer a query.
public enum NodeServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The node is not ready (starting, catching up, shutting down); the client may retry.
    case unavailable(reason: String)
    /// Reading the store failed; the operator should look at the node's log.
    case storage(reason: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "the node cannot answer now: \(reason); retry shortly"
        case .storage(let reason): "the node could not read its store: \(reason)"
        }
    }
}
