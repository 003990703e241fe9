import LedgerCore
import LedgerCrypto

/// What a replica knows from genesis and its own identity.
public struct ReplicaConfig: Sendable {
    public let chainID: Identifier
    public let genesisHash: Digest
    public let genesisTimeMillis: UInt64
    public let validators: ValidatorSet
    public let parameters: ConsensusParameters
    public let selfIndex: UInt16
    /// Roots before any block: headers at heights ≤ stateRootLag carry these.
    public let genesisStateRoot: Digest
    public let genesisReceiptsRoot: Digest
    public let verifier: any SignatureVerifier
    /// What may be in a block besides a valid signature (chain id, membership): the replica
    /// forwards, proposes and PREPAREs only transactions that pass them, so consensus accepts
    /// exactly what execution accepts.
    public let rules: TransactionRules
    /// Test-only: a deliberately broken quorum (e.g. f+1) for the simulator's negative
    /// control. Never set in a node.
    public let quorumOverrideForTesting: Int?
    /// The primary follows a block with transactions by up to stateRootLag empty blocks, so its
    /// receipts and state root are certified without waiting for the next transaction (see
    /// `Replica.sealsReceipts`). On in every node and in the simulator; scenario tests that
    /// count exact heights turn it off.
    public let sealsReceipts: Bool
    /// The most of its own host's transactions the replica holds at once (the node's admission
    /// bound, 20,000). Beyond it the host gets them back (`ReplicaOutput.refusedTransactions`);
    /// the simulator sets a small one so that refusals happen.
    public let mempoolOwnCapacity: Int

    public init(
        chainID: Identifier, genesisHash: Digest, genesisTimeMillis: UInt64, validators: ValidatorSet,
        parameters: ConsensusParameters, selfIndex: UInt16, genesisStateRoot: Digest, genesisReceiptsRoot: Digest,
        verifier: any SignatureVerifier, rules: TransactionRules, quorumOverrideForTesting: Int? = nil, sealsReceipts: Bool = true,
        mempoolOwnCapacity: Int = 20_000
    ) {
        precondition(Int(selfIndex) < validators.count, "the replica's own index is a genesis validator")
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.genesisTimeMillis = genesisTimeMillis
        self.validators = validators
        self.parameters = parameters
        self.selfIndex = selfIndex
        self.genesisStateRoot = genesisStateRoot
        self.genesisReceiptsRoot = genesisReceiptsRoot
        self.verifier = verifier
        self.rules = rules
        self.quorumOverrideForTesting = quorumOverrideForTesting
        self.mempoolOwnCapacity = max(1, mempoolOwnCapacity)
        self.sealsReceipts = sealsReceipts
    }

    var quorum: Int { quorumOverrideForTesting ?? validators.quorum }
    var weakQuorum: Int { validators.weakQuorum }
    var count: Int { validators.count }
    /// The parent hash of block 1.
    var genesisParentHash: Digest { genesisHash }
    func primary(of view: UInt64) -> UInt16 { UInt16(validators.primary(of: view)) }
}

/// The roots after executing one committed block, reported by the host.
public struct ExecutionResult: Hashable, Sendable {
    public let height: UInt64
    public let stateRoot: Digest
    public let receiptsRoot: Digest
    public init(height: UInt64, stateRoot: Digest, receiptsRoot: Digest) {
        self.height = height
        self.stateRoot = stateRoot
        self.receiptsRoot = receiptsRoot
    }
}

/// A committed block and the quorum of COMMIT signatures that prove it.
public struct CommittedBlock: Hashable, Sendable {
    public let block: Block
    public let certificate: CommitCertificate
    public init(block: Block, certificate: CommitCertificate) {
        self.block = block
        self.certificate = certificate
    }
}

/// Ask `peer` for committed blocks `fromHeight...toHeight` with their certificates.
public struct StateTransferRequest: Hashable, Sendable {
    public let peer: UInt16
    public let fromHeight: UInt64
    public let toHeight: UInt64
}

/// What a peer returned for a `StateTransferRequest` (untrusted: every entry is checked).
public struct StateTransferResponse: Hashable, Sendable {
    public let peer: UInt16
    public let entries: [CommittedBlock]
    public init(peer: UInt16, entries: [CommittedBlock]) {
        self.peer = peer
        self.entries = entries
    }
}

/// What the host's durable stores hold after a crash: the journal, the recent committed
/// headers (ascending, ending at the last committed block; at least the last
/// watermarkWindow + stateRootLag + 1) and as many recent execution results.
public struct Recovery: Sendable {
    public let journal: [[UInt8]]
    public let committedHeaders: [BlockHeader]
    public let executions: [ExecutionResult]
    /// The high-water mark the host kept apart from the journal (nil if it keeps none).
    public let highWater: VotingHighWater?
    /// Ids of the transactions of the host's latest committed blocks, oldest first (up to
    /// `Replica.committedTransactionIDsMax`): a restarted replica must not take them
    /// back into its mempool from a peer's FORWARD or its own restored proposals.
    public let committedTransactionIDs: [Digest]
    public init(
        journal: [[UInt8]], committedHeaders: [BlockHeader], executions: [ExecutionResult], highWater: VotingHighWater? = nil,
        committedTransactionIDs: [Digest] = []
    ) {
        self.journal = journal
        self.committedHeaders = committedHeaders
        self.executions = executions
        self.highWater = highWater
        self.committedTransactionIDs = committedTransactionIDs
    }
}

/// Inputs to `Replica.step`.
public enum ReplicaEvent: Sendable {
    /// A decoded envelope from a peer (or this replica's own message, looped back signed).
    case message(SignedEnvelope)
    /// The host's logical clock.
    case tick(nowMillis: UInt64)
    /// Transactions a client submitted to this node.
    case transactions([Transaction])
    /// The host executed a committed block.
    case executed(ExecutionResult)
    case stateTransferResponse(StateTransferResponse)
    /// The first event after a crash.
    case restart(Recovery)
}

/// Where an unsigned message goes. `.broadcast` includes this replica: the host signs the
/// message and delivers the envelope back to its own replica as well (its own votes count).
public enum Destination: Hashable, Sendable {
    case broadcast
    case replica(UInt16)
}

public struct OutboundMessage: Hashable, Sendable {
    public let destination: Destination
    public let message: ConsensusMessage
}

/// What the host must do after a step, in this order: make `journalAppends` durable (or,
/// if `journalReplacement` is set, atomically replace the whole journal with it: it already
/// holds everything this step appended) and `highWater` (apart from the journal), then
/// send `messages`, then store `committed` blocks (height order) and execute them, and
/// start `stateTransferRequests`.
public struct ReplicaOutput: Sendable {
    public var journalAppends: [[UInt8]] = []
    public var journalReplacement: [[UInt8]]? = nil
    public var messages: [OutboundMessage] = []
    public var committed: [CommittedBlock] = []
    public var stateTransferRequests: [StateTransferRequest] = []
    /// Transactions the host offered (`.transactions`) that the replica's mempool had no room
    /// for: the host keeps them pending and offers them again later.
    public var refusedTransactions: [Digest] = []
    /// The replica's new high-water mark, when this step raised it (see `VotingHighWater`).
    public var highWater: VotingHighWater? = nil
    /// Equivocations this step found (two different signed votes from one validator for one
    /// kind, view and height): the host logs, stores and exports them.
    public var evidence: [Evidence] = []
    /// Per validator, the transactions it FORWARDed that no honest replica forwards: an
    /// invalid signature, another chain, a sender that is no member. Honest replicas check
    /// all three before they forward, so each one proves its forwarder faulty; the host
    /// may cut that validator off (`PeerNetwork.suspend`).
    public var invalidForwards: [UInt16: Int] = [:]
    public init() {}
    public var isEmpty: Bool {
        journalAppends.isEmpty && journalReplacement == nil && messages.isEmpty && committed.isEmpty
            && stateTransferRequests.isEmpty && refusedTransactions.isEmpty && highWater == nil && evidence.isEmpty
            && invalidForwards.isEmpty
    }
}

/// Why an input was dropped.
public enum DropReason: Int, CaseIterable, Sendable {
    case unknownSender, badSignature, wrongChain, staleView, outsideWatermarks, notFromPrimary
    case invalidContent, invalidBlock, bufferFull, duplicate, unsolicited, invalidStateTransfer
    /// A transaction that breaks `ReplicaConfig.rules` (a non-member sender, another chain).
    case invalidTransaction
    /// A transaction its origin's share of the mempool had no room for.
    case mempoolFull

    /// A stable snake_case name for metrics and logs.
    public var name: String {
        switch self {
        case .unknownSender: "unknown_sender"
        case .badSignature: "bad_signature"
        case .wrongChain: "wrong_chain"
        case .staleView: "stale_view"
        case .outsideWatermarks: "outside_watermarks"
        case .notFromPrimary: "not_from_primary"
        case .invalidContent: "invalid_content"
        case .invalidBlock: "invalid_block"
        case .bufferFull: "buffer_full"
        case .duplicate: "duplicate"
        case .unsolicited: "unsolicited"
        case .invalidStateTransfer: "invalid_state_transfer"
        case .invalidTransaction: "invalid_transaction"
        case .mempoolFull: "mempool_full"
        }
    }
}

/// Two different votes from one validator for one kind, view and height.
public struct Evidence: Hashable, Sendable {
    public let validator: UInt16
    public let kind: VoteKind
    public let view: UInt64
    public let height: UInt64
    public let first: Digest
    public let second: Digest
}

/// Counters the host can export and the simulator checks.
public struct ReplicaCounters: Sendable {
    public var dropped: [Int] = Array(repeating: 0, count: DropReason.allCases.count)
    public var evidenceCount = 0
    public var viewChangesStarted = 0
    public var nestedViewChanges = 0
    public var newViewsInstalled = 0
    public var stateTransfersStarted = 0
    public var stateTransferPeerSwitches = 0
    /// Certified blocks taken from a peer without a state transfer under way (the answer to
    /// "anything after my height?" when a peer connects).
    public var certifiedBlocksTaken = 0
    public var blocksCommitted = 0
    /// Votes the journal stopped this replica from sending (they contradicted earlier ones).
    public var contradictionsAvoided = 0
    /// PRE-PREPAREs this primary repeated because they stayed uncommitted a timeout period.
    public var prePrepareResends = 0
    /// Times a backup's timer ran out and it relayed its transactions to the primary first.
    public var relaysToPrimary = 0
    /// FORWARDs of transactions this replica had held for two view timeouts.
    public var staleForwards = 0
    /// CHECKPOINTs this replica repeated because they were not yet stable.
    public var checkpointResends = 0
    /// VIEW-CHANGEs for an earlier view sent again to a replica still collecting them.
    public var viewChangeAnswers = 0
    /// Votes not sent because a restart found the journal behind the high-water mark.
    public var votesRefusedBelowFloor = 0
    /// Views a restart left at once because the floor forbade every vote in them.
    public var viewsLeftBelowFloor = 0
    /// Journal records a restart could not decode (torn or corrupt): they set a floor.
    public var unreadableJournalRecords = 0
    /// Restarts that found the journal behind the host's high-water mark.
    public var rollbacksDetected = 0
    /// Conflicting certificates or broken parent links: impossible with ≤ f faults.
    public var safetyAlarms = 0
    public func dropped(_ reason: DropReason) -> Int { dropped[reason.rawValue] }
    public var droppedTotal: Int { dropped.reduce(0, +) }
}
