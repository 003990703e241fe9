import LedgerCore
import LedgerCrypto
import Foundation
import Node
import Storage
import Synchronization

/// A `NodeService` over a real mempool and an in-memory chain the test builds: one committed
/// block at height 1 with real commit signatures. `commitOnWait` makes `waitForCommit` commit
/// the waited transaction in a fresh block, as a live network would.
final class FakeNodeService: NodeService {
    let consortium: TestConsortium
    let validatorKey: SigningKey
    let genesis: Genesis
    let mempool: Mempool
    let commitOnWait: Bool
    private let nonces = TestNonces()
    private let chain = Mutex<[CommittedBlock]>([])
    private let failQueries = Atomic<Bool>(false)
    /// What `status()` reports as the node's health (healthy unless a test sets problems).
    let health = Mutex(NodeHealth(problems: []))
    /// A real store of the genesis (accounts, no blocks) in a temporary directory, for the query routes.
    let queryDirectory: String
    private let ledgerQueries: LedgerQueries

    init(commitOnWait: Bool = false) throws {
        consortium = try TestConsortium()
        validatorKey = try SigningKey()
        var genesis = consortium.genesis
        genesis.validators = [ValidatorInfo(name: "validator-0", publicKey: validatorKey.publicKey, host: "127.0.0.1", port: 7000)]
        self.genesis = genesis
        mempool = Mempool(genesis: genesis, nonces: nonces)
        self.commitOnWait = commitOnWait
        queryDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-fake-\(UUID().uuidString)").path
        _ = try LedgerStore(directory: queryDirectory, genesis: genesis)
        ledgerQueries = try LedgerQueries(directory: queryDirectory)
        let first = try (1...3).map { try consortium.transfer(from: $0, nonce: 1) }
        try append(first)
    }

    deinit { try? FileManager.default.removeItem(atPath: queryDirectory) }

    /// Simulates on the genesis state (the fake's blocks are not executed).
    func simulate(_ transactions: [Transaction]) async throws(NodeServiceError) -> SimulationResult {
        let state = LedgerState(genesis: genesis)
        return SimulationResult(height: state.height, receipts: state.simulate(transactions))
    }

    /// Makes every query throw `unavailable`.
    func setUnavailable(_ value: Bool) { failQueries.store(value, ordering: .relaxed) }

    var committedTransactions: [Transaction] { chain.withLock { $0.flatMap(\.block.transactions) } }

    /// Commits `transactions` in the next block with a certificate signed by the one validator.
    func append(_ transactions: [Transaction]) throws {
        let (height, parent) = chain.withLock { (UInt64($0.count + 1), $0.last?.block.hash ?? genesis.hash) }
        let block = Block(
            chainID: genesis.chainID, height: height, parentHash: parent, timestampMillis: genesis.genesisTimeMillis + height * 1_000,
            transactions: transactions, stateRoot: .zero, receiptsRoot: .zero)
        let digest = VoteDigest.compute(
            kind: .commit, chainID: genesis.chainID, genesisHash: genesis.hash, view: 0, height: height, digest: block.hash)
        let certificate = CommitCertificate(
            view: 0, height: height, blockHash: block.hash,
            signatures: [ValidatorSignature(validatorIndex: 0, signature: try validatorKey.sign(digest: digest))])
        chain.withLock { $0.append(CommittedBlock(block: block, certificate: certificate)) }
        for transaction in transactions {
            let sender = transaction.senderAddress
            nonces.set(sender, max(nonces.committedNonce(of: sender), transaction.nonce))
        }
    }

    func submit(_ transactions: [Transaction]) async -> [AdmissionResult] { await mempool.admit(transactions) }

    func waitForCommit(of transactionID: Digest, timeoutMillis: UInt64) async throws(NodeServiceError) -> TransactionStatus {
        if commitOnWait, let transaction = await mempool.transaction(transactionID) {
            do { try append([transaction]) } catch { throw .unavailable(reason: "\(error)") }
            await mempool.committed(block: chain.withLock { $0.last!.block })
        }
        return try await transactionStatus(transactionID)
    }

    func transactionStatus(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionStatus {
        guard !failQueries.load(ordering: .relaxed) else { throw .unavailable(reason: "the node is starting") }
        let found = chain.withLock { blocks in
            blocks.lazy.compactMap { committed in
                committed.block.transactions.firstIndex { $0.id == transactionID }.map { (committed, $0) }
            }.first
        }
        if let (committed, position) = found {
            return .committed(
                TransactionCommit(
                    transactionID: transactionID, height: committed.block.height, position: position,
                    receipt: Receipt(transactionID: transactionID, outcome: .failure(TransactionFailure(.insufficientFunds, "test failure"))),
                    header: committed.block.header, certificate: committed.certificate,
                    proof: committed.block.inclusionProof(of: transactionID)!))
        }
        return await mempool.transaction(transactionID) == nil ? .unknown : .pending
    }

    func block(at height: UInt64) async throws(NodeServiceError) -> CommittedBlock? {
        guard !failQueries.load(ordering: .relaxed) else { throw .unavailable(reason: "the node is starting") }
        return chain.withLock { height >= 1 && height <= UInt64($0.count) ? $0[Int(height - 1)] : nil }
    }

    func account(_ address: Address) async throws(NodeServiceError) -> Account? {
        guard genesis.member(at: address) != nil else { return nil }
        return Account(nonce: nonces.committedNonce(of: address), balances: address == consortium.address(0) ? ["EUR": 1_000_000] : [:])
    }

    func status() async -> NodeStatus {
        let counters = await mempool.snapshot()
        let (height, last) = chain.withLock { (UInt64($0.count), $0.last!.block.hash) }
        return NodeStatus(
            chainID: genesis.chainID, genesisHash: genesis.hash, nodeName: "validator-0", height: height, lastBlockHash: last, view: 0,
            primary: "validator-0", peersConnected: 0, peersTotal: 0, mempoolSize: counters.size, mempoolBytes: counters.bytes,
            health: health.withLock { $0 })
    }

    func queries() throws(NodeServiceError) -> LedgerQueries {
        guard !failQueries.load(ordering: .relaxed) else { throw .unavailable(reason: "the node is starting") }
        return ledgerQueries
    }

    // MARK: - Chain export

    /// The in-memory chain as stored rows: the fake does not execute, so roots are zero and
    /// there are no receipts (ChainServingNodeService serves a real, executed chain).
    func chainEntries(_ heights: ClosedRange<UInt64>) async throws(NodeServiceError) -> [ChainExport.Entry] {
        guard !failQueries.load(ordering: .relaxed) else { throw .unavailable(reason: "the node is starting") }
        return chain.withLock { blocks in
            blocks.filter { heights.contains($0.block.height) }.map { committed in
                var body = CanonicalWriter()
                body.write(committed.block.transactions, maximum: Limits.blockTransactionsMax)
                return ChainExport.Entry(
                    raw: RawBlock(
                        height: committed.block.height, hash: committed.block.hash.bytes, header: committed.block.header.canonicalBytes,
                        body: body.bytes, certificate: committed.certificate.canonicalBytes, stateRootAfter: Digest.zero.bytes,
                        receiptsRootAfter: Digest.zero.bytes),
                    receipts: [])
            }
        }
    }
}
