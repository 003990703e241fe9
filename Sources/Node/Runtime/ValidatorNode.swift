import Consensus
import Foundation
import LedgerCore
import LedgerCrypto
import Logging
import PeerNetwork
import Storage

/// One running validator: the single owner of its consensus replica, ledger state and store.
/// Events (peer messages, ticks, client transactions, state-transfer responses) are stepped
/// through the replica one at a time; each step's output is handled in the order the replica
/// requires — journal durable first, then messages signed and sent, then committed blocks
/// executed and stored atomically, then state-transfer requests.
public actor ValidatorNode {
    public let genesis: Genesis
    let genesisHash: Digest
    let selfIndex: UInt16
    let nodeKey: SigningKey
    let store: LedgerStore
    /// The voting high-water mark, kept beside the data directory (see `HighWaterFile`).
    let highWaterFile: HighWaterFile
    /// Read-only connections for the client API's queries, usable off the actor.
    nonisolated let ledgerQueries: LedgerQueries
    var state: LedgerState
    var replica: Replica
    let network: PeerNetwork
    public let mempool: Mempool
    let nonces = CommittedNonces()
    let verifier = VerifiedSignatureCache()
    let logger: Logger
    let startedAt = Date()
    /// Uptime (ns) of the last block commit, or of the start: the health check's progress mark.
    var lastCommitUptimeNanos = DispatchTime.now().uptimeNanoseconds

    /// Events produced while handling an output (our own messages looped back, execution
    /// results), stepped before anything else.
    var pendingEvents: [ReplicaEvent] = []
    var isDriving = false
    /// Named crash points (`GREENLEDGER_CRASH_AT`); off unless set.
    let crashPoints: CrashPoints
    var commitWaiters: [Digest: [UUID: CheckedContinuation<Void, Never>]] = [:]
    var tasks: [Task<Void, Never>] = []
    var stopped = false
    var counters = NodeCounters()
    /// Peers asked for the blocks after this node's height, whose one answer is awaited.
    var askedForBlocks: Set<Int> = []
    /// Peers whose link is up, as the peer layer reported them.
    var connectedPeers: Set<Int> = []
    /// True while the replica steps a peer's answer of certified blocks (catch-up).
    var steppingBlocksAnswer = false
    /// Rate limit for log lines a faulty validator can trigger (`logFromPeer`).
    var peerLogLimiter = LogLimiter()
    var forwardPenalties = ForwardPenalties()
    /// What each peer's block requests may still cost this node.
    var blockServing = BlockServingBudget()
    /// When the last "refusing block requests" line was logged, per peer (one a minute).
    var blockRefusalLoggedAt: [Int: UInt64] = [:]
    /// Prometheus metrics of this node (`GET /metrics`), and the proposal times they need.
    let metricsRegistry: NodeMetrics
    var commitLatency = CommitLatencyTracker()

    public init(configuration: NodeConfiguration, logger: Logger, crashPoints: CrashPoints = CrashPoints()) throws {
        self.crashPoints = crashPoints
        let genesis: Genesis
        do { genesis = try Genesis(contentsOfFile: configuration.genesis) } catch {
            throw NodeError.configuration("genesis \(configuration.genesis): \(error)")
        }
        let key: SigningKey
        do {
            key = try SigningKey(pem: try String(contentsOfFile: configuration.validatorKey, encoding: .utf8))
        } catch {
            throw NodeError.configuration("validator key \(configuration.validatorKey): \(error)")
        }
        guard let index = genesis.validators.firstIndex(where: { $0.publicKey == key.publicKey }) else {
            throw NodeError.configuration("the key \(configuration.validatorKey) is not a validator of genesis \(genesis.hash.shortHex)")
        }
        self.genesis = genesis
        genesisHash = genesis.hash
        selfIndex = UInt16(index)
        nodeKey = key
        self.logger = logger
        metricsRegistry = NodeMetrics(node: genesis.validators[index].name.value)
        highWaterFile = HighWaterFile(besideDataDirectory: configuration.dataDirectory)
        do {
            store = try LedgerStore(directory: configuration.dataDirectory, genesis: genesis)
            if crashPoints.armed == .midCompaction { store.crashHook = { crashPoints.reach(.midCompaction) } }
            state = try store.loadState()
            ledgerQueries = try LedgerQueries(directory: configuration.dataDirectory)
        } catch {
            throw NodeError.startup("data directory \(configuration.dataDirectory): \(error)")
        }
        let genesisState = LedgerState(genesis: genesis)
        replica = Replica(config: ReplicaConfig(
            chainID: genesis.chainID, genesisHash: genesisHash, genesisTimeMillis: genesis.genesisTimeMillis,
            validators: genesis.validatorSet, parameters: genesis.consensus, selfIndex: UInt16(index),
            genesisStateRoot: genesisState.stateRoot, genesisReceiptsRoot: .zero, verifier: verifier, rules: genesisState.rules))
        let peers = genesis.validators.enumerated().map { index, validator in
            PeerIdentity(index: index, publicKey: validator.publicKey, host: validator.host, port: Int(validator.port))
        }
        var peerConfiguration = PeerNetworkConfiguration(
            genesisHash: genesisHash, chainID: genesis.chainID.value, validators: peers, localIndex: index, nodeKey: key)
        peerConfiguration.listenHostOverride = configuration.peerListenHost
        network = try PeerNetwork(configuration: peerConfiguration, logger: Logger(label: "greenledger.peer"))
        mempool = Mempool(genesis: genesis, nonces: nonces, verifier: verifier)
        nonces.update(from: state, accounts: genesis.members.map(\.address))
    }

    var name: String { genesis.validators[Int(selfIndex)].name.value }

    /// Restores consensus from the journal, starts the peer layer and the event loops.
    public func start() async throws {
        let recovery = try recoveryFromStore()
        logger.info("starting \(name) (validator \(selfIndex) of \(genesis.validators.count)) at height \(state.height), genesis \(genesisHash.shortHex), \(recovery.journal.count) journal records")
        drive(.restart(recovery))
        if let floor = replica.votingFloor {
            logger.critical("the data directory is older than the votes this validator signed (\(highWaterFile.path): \(floor)): it was restored from an older copy. The node will not vote at or below that point, so it can never contradict a vote it sent; it commits on the others' votes, catches up, and votes again above it.")
        }
        let port = try await network.start()
        logger.info("listening for peers on port \(port)")
        let tickMillis = UInt64(genesis.consensus.tickMillis)
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(tickMillis)))
                await self?.tick()
            }
        })
        let messages = network.messages
        tasks.append(Task { [weak self] in
            for await inbound in messages {
                await self?.receive(inbound)
            }
        })
        let events = network.events
        tasks.append(Task { [weak self] in
            for await event in events { await self?.log(event) }
        })
    }

    /// Stops accepting events, fails pending waiters, closes the peer layer. The store is
    /// consistent at every block boundary, so nothing else needs flushing.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in tasks { task.cancel() }
        await network.shutdown()
        for (_, waiters) in commitWaiters { for (_, continuation) in waiters { continuation.resume() } }
        commitWaiters.removeAll()
        logger.info("stopped \(name) at height \(state.height)")
    }

    private func recoveryFromStore() throws -> Recovery {
        let journal = try store.journal().map(\.record)
        let window = UInt64(genesis.consensus.watermarkWindow) * 2
        let first = state.height > window ? state.height - window + 1 : 1
        var headers: [BlockHeader] = []
        var executions: [ExecutionResult] = []
        var transactionIDs: [Digest] = []
        if state.height >= 1 {
            for height in first...state.height {
                guard let stored = try store.block(at: height) else { continue }
                headers.append(stored.block.header)
                executions.append(ExecutionResult(height: height, stateRoot: stored.rootsAfter.stateRoot, receiptsRoot: stored.rootsAfter.receiptsRoot))
                transactionIDs += stored.block.transactions.map(\.id)
            }
        }
        return Recovery(
            journal: journal, committedHeaders: headers, executions: executions, highWater: try highWaterFile.read(),
            committedTransactionIDs: Array(transactionIDs.suffix(Replica.committedTransactionIDsMax)))
    }

    /// Asks a peer that just connected for the certified blocks above this node's height: a
    /// node restarted while the network is idle learns what it missed now, not when the next
    /// block commits. The peer serves what it has (bounded, `serveBlocks`); the replica takes
    /// only the next blocks with valid certificates (`Replica.takeCertifiedBlocks`).
    func askForBlocksAfterOurs(peer: Int) {
        askedForBlocks.insert(peer)
        let from = state.height + 1
        try? network.send(PeerWire.encodeRequest(from: from, to: from + UInt64(PeerWire.blocksPerResponseMax) - 1), to: peer)
    }

    private func log(_ event: PeerEvent) {
        switch event {
        case .connected(let index, let address):
            logger.info("peer connected: \(genesis.validators[index].name) at \(address)")
            connectedPeers.insert(index)
            askForBlocksAfterOurs(peer: index)
        case .disconnected(let index, let reason):
            connectedPeers.remove(index)
            logger.notice("peer disconnected: \(genesis.validators[index].name) (\(reason))")
        }
    }
}

/// What the node counts beyond its replica and peer layer.
struct NodeCounters: Sendable {
    var blocksCommitted = 0
    var transactionsCommitted = 0
    var peerMessagesUndecodable = 0
    var peerMessagesMisattributed = 0
    /// Block responses dropped: no state transfer under way and not the answer asked for.
    var unsolicitedBlockResponses = 0
    /// Transactions other validators FORWARDed that no honest validator forwards.
    var invalidForwards = 0
    var stateTransferBlocksServed = 0
    /// Block requests refused because their peer was over its serving budget.
    var blockRequestsRefused: UInt64 = 0
    /// Transactions of certified blocks that broke the chain's rules (only > f faulty validators can certify them).
    var certifiedInvalidTransactions = 0
    /// Transactions the replica had no room for, returned to the mempool to be offered again.
    var transactionsReturnedToMempool = 0
    /// Equivocations seen, per validator (by name) and vote kind.
    var evidence: [EvidenceCountKey: UInt64] = [:]
}
