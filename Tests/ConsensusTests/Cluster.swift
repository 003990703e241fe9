@testable import Consensus
import LedgerCore
import LedgerCrypto

/// A scripted in-memory cluster for scenario tests: replicas, a FIFO of signed envelopes,
/// a filter that decides which deliveries happen, and a fake executor. No clock, no
/// randomness: each test says exactly which messages arrive.
struct Cluster {
    struct Pending {
        let from: UInt16
        let to: UInt16
        let envelope: SignedEnvelope
    }

    static let chainID: Identifier = "test-chain"
    static let genesisHash = SHA256.hash(Array("test-genesis".utf8))
    static let genesisTimeMillis: UInt64 = 1_000_000
    static let genesisStateRoot = SHA256.hash(Array("state".utf8))
    static let genesisReceiptsRoot = SHA256.hash(Array("receipts".utf8))

    let signers: [SimulatedSigner]
    let client = SimulatedSigner(label: "test-client")
    /// Signs validly but is no member: the rules keep its transactions out of blocks.
    let outsider = SimulatedSigner(label: "test-outsider")
    let verifier: SimulatedVerifier
    let validators: ValidatorSet
    let parameters: ConsensusParameters
    /// Off by default: most scenarios count exact heights; `ReceiptSealingTests` turns it on.
    var sealsReceipts: Bool
    var replicas: [Replica]
    var journals: [[[UInt8]]]
    var stores: [[CommittedBlock]]
    var executions: [[ExecutionResult]]
    /// Each host's voting high-water mark, kept apart from its journal and store.
    var highWaters: [VotingHighWater?]
    var queue: [Pending] = []
    var sent: [Pending] = []
    var stateTransferRequests: [(node: UInt16, request: StateTransferRequest)] = []
    var nowMillis: UInt64 = Cluster.genesisTimeMillis
    var nonce: UInt64 = 0
    /// Return false to drop a delivery.
    var filter: (Pending) -> Bool = { _ in true }

    init(count: Int = 4, parameters: ConsensusParameters = Cluster.defaultParameters, sealsReceipts: Bool = false) {
        self.sealsReceipts = sealsReceipts
        signers = (0..<count).map { SimulatedSigner(label: "test-validator-\($0)") }
        verifier = SimulatedVerifier(signers: signers + [SimulatedSigner(label: "test-client"), SimulatedSigner(label: "test-outsider")])
        validators = ValidatorSet(keys: signers.map(\.publicKey))
        self.parameters = parameters
        replicas = []
        journals = Array(repeating: [], count: count)
        stores = Array(repeating: [], count: count)
        executions = Array(repeating: [], count: count)
        highWaters = Array(repeating: nil, count: count)
        for index in 0..<count { replicas.append(Replica(config: config(UInt16(index)))) }
        // The host passes its clock before anything else happens.
        for index in 0..<count { step(UInt16(index), .tick(nowMillis: nowMillis)) }
    }

    static let defaultParameters = ConsensusParameters(
        batchSizeMax: 4, checkpointInterval: 2, stateRootLag: 1, watermarkWindow: 4, tickMillis: 100,
        viewTimeoutTicks: 3, viewTimeoutMaxTicks: 12, clockSkewMaxMillis: 1_000)

    func config(_ index: UInt16, quorumOverride: Int? = nil) -> ReplicaConfig {
        ReplicaConfig(
            chainID: Cluster.chainID, genesisHash: Cluster.genesisHash, genesisTimeMillis: Cluster.genesisTimeMillis,
            validators: validators, parameters: parameters, selfIndex: index, genesisStateRoot: Cluster.genesisStateRoot,
            genesisReceiptsRoot: Cluster.genesisReceiptsRoot, verifier: verifier,
            rules: TransactionRules(chainID: Cluster.chainID, members: [client.publicKey.address]), quorumOverrideForTesting: quorumOverride,
            sealsReceipts: sealsReceipts)
    }

    var count: Int { replicas.count }

    func signed(_ message: ConsensusMessage, by index: UInt16) -> SignedEnvelope {
        let digest = message.signingDigest(chainID: Cluster.chainID, genesisHash: Cluster.genesisHash)
        return SignedEnvelope(sender: index, message: message, signature: try! signers[Int(index)].sign(digest: digest))
    }

    mutating func transaction(chainID: Identifier = Cluster.chainID, fromOutsider: Bool = false) -> Transaction {
        nonce += 1
        let payload = Payload.transferFunds(TransferFunds(
            to: client.publicKey.address, currency: "EUR", amount: nonce, category: .renewableEnergy, purpose: "test"))
        return try! Transaction(chainID: chainID, nonce: nonce, payload: payload, signer: fromOutsider ? outsider : client)
    }

    /// Steps one replica and carries out its output like a host: journal, send, commit, execute.
    mutating func step(_ index: UInt16, _ event: ReplicaEvent) {
        var work = [event]
        while !work.isEmpty {
            let output = replicas[Int(index)].step(work.removeFirst())
            journals[Int(index)].append(contentsOf: output.journalAppends)
            if let replacement = output.journalReplacement { journals[Int(index)] = replacement }
            if let mark = output.highWater { highWaters[Int(index)] = mark }
            for outbound in output.messages {
                let envelope = signed(outbound.message, by: index)
                switch outbound.destination {
                case .broadcast:
                    for target in 0..<count { enqueue(Pending(from: index, to: UInt16(target), envelope: envelope)) }
                case .replica(let target): enqueue(Pending(from: index, to: target, envelope: envelope))
                }
            }
            for committed in output.committed {
                stores[Int(index)].append(committed)
                let previous = executions[Int(index)].last?.stateRoot ?? Cluster.genesisStateRoot
                let root = SHA256.hash(parts: [previous.bytes, committed.block.hash.bytes])
                let result = ExecutionResult(height: committed.block.height, stateRoot: root, receiptsRoot: root)
                executions[Int(index)].append(result)
                work.append(.executed(result))
            }
            for request in output.stateTransferRequests { stateTransferRequests.append((index, request)) }
        }
    }

    mutating func enqueue(_ pending: Pending) {
        sent.append(pending)
        queue.append(pending)
    }

    /// Delivers queued messages (FIFO) that pass the filter until none are left.
    mutating func deliverAll(limit: Int = 100_000) {
        var delivered = 0
        while !queue.isEmpty, delivered < limit {
            let pending = queue.removeFirst()
            delivered += 1
            guard filter(pending) else { continue }
            step(pending.to, .message(pending.envelope))
        }
    }

    mutating func tick(_ times: Int = 1) {
        for _ in 0..<times {
            nowMillis += UInt64(parameters.tickMillis)
            for index in 0..<count { step(UInt16(index), .tick(nowMillis: nowMillis)) }
            deliverAll()
        }
    }

    mutating func offer(_ transactions: [Transaction], to index: UInt16) {
        step(index, .transactions(transactions))
        deliverAll()
    }

    /// Crash and restart: a fresh replica rebuilt from the journal and the host's stores.
    mutating func restart(_ index: UInt16) {
        replicas[Int(index)] = Replica(config: config(index))
        let recovery = Recovery(
            journal: journals[Int(index)], committedHeaders: stores[Int(index)].map(\.block.header),
            executions: executions[Int(index)], highWater: highWaters[Int(index)],
            committedTransactionIDs: stores[Int(index)].flatMap { $0.block.transactions.map(\.id) })
        step(index, .restart(recovery))
        step(index, .tick(nowMillis: nowMillis))
    }

    /// Serves pending state-transfer requests from the asked peer's store.
    mutating func serveStateTransfers() {
        while !stateTransferRequests.isEmpty {
            let (node, request) = stateTransferRequests.removeFirst()
            let store = stores[Int(request.peer)]
            let from = Int(request.fromHeight) - 1
            let to = min(Int(request.toHeight), store.count)
            let entries = from < to ? Array(store[from..<to]) : []
            step(node, .stateTransferResponse(StateTransferResponse(peer: request.peer, entries: entries)))
        }
    }

    func height(_ index: Int) -> Int { stores[index].count }

    func messages(from index: UInt16, where predicate: (ConsensusMessage) -> Bool) -> [ConsensusMessage] {
        var seen: [ConsensusMessage] = []
        for pending in sent where pending.from == index && predicate(pending.envelope.message) {
            if !seen.contains(pending.envelope.message) { seen.append(pending.envelope.message) }
        }
        return seen
    }
}

extension ConsensusMessage {
    var isPrepare: Bool { if case .prepare = self { true } else { false } }
    var isCommit: Bool { if case .commit = self { true } else { false } }
    var isPrePrepare: Bool { if case .prePrepare = self { true } else { false } }
    var isViewChange: Bool { if case .viewChange = self { true } else { false } }
    var isNewView: Bool { if case .newView = self { true } else { false } }
}
