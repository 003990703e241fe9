import LedgerCore
import LedgerCrypto

/// One PBFT replica. Feed it events with `step`; carry out the returned output.
/// All state is bounded by the watermark window, a few fixed-size buffers and the mempool.
public struct Replica: Sendable {
    /// The proposal this replica accepted at one height in the current view.
    struct Slot: Sendable {
        let blockHash: Digest
        var prepareSent = false
        var commitSent = false
    }
    struct SentKey: Hashable, Sendable {
        let kind: VoteKind
        let view: UInt64
        let height: UInt64
    }
    struct TransferState: Sendable {
        var targetHeight: UInt64
        var peer: UInt16
        var deadlineTick: UInt64
    }

    static let evidenceMax = 64
    static let bodyRequestsMax = 64
    static let checkpointHeightsPerSenderMax = 4
    static let stateTransferRangeMax: UInt64 = 16
    static let pipelineDepthMax: UInt64 = 8

    public let config: ReplicaConfig
    public internal(set) var view: UInt64 = 0
    public internal(set) var isViewChanging = false
    public internal(set) var committedHeight: UInt64 = 0
    public internal(set) var executedHeight: UInt64 = 0
    /// Height of the last stable checkpoint.
    public internal(set) var lowWatermark: UInt64 = 0
    public internal(set) var counters = ReplicaCounters()
    public internal(set) var evidence: [Evidence] = []

    var stableCertificate: CheckpointCertificate?
    var committedHashes: [UInt64: Digest]
    var committedTimestamps: [UInt64: UInt64]
    /// The highest committed height whose block has transactions (see `sealsReceipts`).
    var lastBusyHeight: UInt64 = 0
    var executions: [UInt64: ExecutionResult] = [:]
    var blocks: [Digest: Block] = [:]
    var blockValidity: [Digest: Bool] = [:]
    var slots: [UInt64: Slot] = [:]
    var prepares = VoteTable()
    var commits = VoteTable()
    var commitCertificates: [UInt64: CommitCertificate] = [:]
    var preparedCertificates: [UInt64: PreparedCertificate] = [:]
    var checkpointVotes: [UInt64: [UInt16: (checkpoint: Checkpoint, signature: Signature)]] = [:]
    var sentVotes: [SentKey: Digest] = [:]
    var sentMessages: [SentKey: ConsensusMessage] = [:]
    var mempool: Mempool
    var viewChanges: [UInt64: [UInt16: SignedEnvelope]] = [:]
    var installedNewView: NewView?
    /// The NEW-VIEW this replica sent as primary of the current view (journaled with it).
    var sentNewView: NewView?
    /// The re-proposals of the NEW-VIEW installed for the current view (see `JournalRecord.installed`).
    var boundReproposals: (view: UInt64, reproposals: [Reproposal])?
    var newViewSent = false
    var futureMessages: FutureBuffer
    var nowMillis: UInt64 = 0
    var tickCount: UInt64 = 0
    var timerDeadlineTick: UInt64?
    var viewChangeAttempts: UInt32 = 0
    /// This backup already relayed its transactions to the current primary since the last commit.
    var relayedToPrimary = false
    var lastProgressTick: UInt64 = 0
    var bodyRequests: [Digest: UInt64] = [:]
    var bodyRequestCount: UInt64 = 0
    var transferAttempts = 0
    var ownViewChange: ViewChange?
    /// The VIEW-CHANGEs this replica sent for earlier views since its last start (at most
    /// `earlierViewChangesKept`, in memory only), answered to a replica still waiting in one.
    var earlierViewChanges: [UInt64: ViewChange] = [:]
    var viewChangeResendTick: UInt64 = 0
    var prePrepareResendTick: UInt64 = 0
    var checkpointResendTick: UInt64 = 0
    var staleForwardTick: UInt64 = 0
    /// Per validator and view timeout: BLOCK-RESPONSEs, NEW-VIEW re-sends and answers to a behind
    /// CHECKPOINT this replica gives.
    var bodyAnswers = AnswerBudget(answersPerPeriod: 32)
    var newViewResends = AnswerBudget(answersPerPeriod: 1)
    var viewChangeAnswers = AnswerBudget(answersPerPeriod: 1)
    var checkpointAnswers = AnswerBudget(answersPerPeriod: 1)
    /// This primary's uncommitted proposals at the last resend check.
    var outstandingPrePrepares: Set<Digest> = []
    var journalCompactionPending = false
    var committedTransactionIDs: Set<Digest> = []
    var committedTransactionOrder: [Digest] = []
    var transfer: TransferState?
    /// The height a state transfer under way is fetching up to; nil when none is.
    public var stateTransferTarget: UInt64? { transfer?.targetHeight }

    /// The highest height this replica knows others reached while it is catching up to it — a
    /// state transfer's target, a commit certificate whose block it still fetches, or f+1
    /// CHECKPOINTs — and nil when it is not behind.
    public var catchUpTarget: UInt64? {
        let checkpointed = checkpointVotes.filter { $0.value.count >= config.weakQuorum }.keys.max() ?? 0
        let target = max(transfer?.targetHeight ?? 0, commitCertificates.keys.max() ?? 0, checkpointed)
        return target > committedHeight ? target : nil
    }
    /// The highest point this replica signed at (see `VotingHighWater`).
    public internal(set) var highWater: VotingHighWater?
    /// Set on a restart whose journal is behind the host's high-water mark (a rolled-back data
    /// directory): no vote at or below it is ever sent.
    public internal(set) var votingFloor: VotingHighWater?
    var output = ReplicaOutput()

    public init(config: ReplicaConfig) {
        self.config = config
        futureMessages = FutureBuffer(validatorCount: config.count)
        mempool = Mempool(selfIndex: config.selfIndex, validatorCount: config.count, ownCapacity: config.mempoolOwnCapacity)
        committedHashes = [0: config.genesisParentHash]
        committedTimestamps = [0: config.genesisTimeMillis]
    }

    var parameters: ConsensusParameters { config.parameters }
    var selfIndex: UInt16 { config.selfIndex }
    var highWatermark: UInt64 { lowWatermark + UInt64(parameters.watermarkWindow) }
    var isPrimary: Bool { config.primary(of: view) == selfIndex }
    /// How many more of its own clients' transactions this replica takes now: the host offers no
    /// more than this (and gets back, in `refusedTransactions`, whatever did not fit).
    public var mempoolRoom: Int { mempool.room(for: selfIndex) }
    /// Transactions waiting in this replica's mempool, from every origin.
    public var mempoolCount: Int { mempool.count }
    public var lastCommittedHash: Digest { committedHashes[committedHeight] ?? .zero }

    /// Handles one event and returns what the host must do.
    public mutating func step(_ event: ReplicaEvent) -> ReplicaOutput {
        output = ReplicaOutput()
        switch event {
        case .message(let envelope): receive(envelope)
        case .tick(let now): onTick(nowMillis: now)
        case .transactions(let transactions): offer(transactions, from: selfIndex)
        case .executed(let result): onExecuted(result)
        case .stateTransferResponse(let response): onStateTransfer(response)
        case .restart(let recovery): restore(from: recovery)
        }
        advance()
        if journalCompactionPending {
            // Taken last, so the snapshot holds everything this step journaled.
            journalCompactionPending = false
            output.journalReplacement = journalSnapshot()
        }
        let result = output
        output = ReplicaOutput()
        return result
    }

    // MARK: - Inbound messages

    mutating func drop(_ reason: DropReason) { counters.dropped[reason.rawValue] += 1 }

    mutating func receive(_ envelope: SignedEnvelope) {
        guard Int(envelope.sender) < config.count else { return drop(.unknownSender) }
        let digest = envelope.message.signingDigest(chainID: config.chainID, genesisHash: config.genesisHash)
        guard config.verifier.isValidSignature(envelope.signature, digest: digest, publicKey: config.validators.keys[Int(envelope.sender)]) else {
            return drop(.badSignature)
        }
        dispatch(envelope)
    }

    /// Routes an authenticated envelope; messages for a higher view wait in a bounded buffer.
    mutating func dispatch(_ envelope: SignedEnvelope) {
        switch envelope.message {
        case .prePrepare(let p):
            // Checked before buffering too: only the view's primary may fill a slot of it.
            guard envelope.sender == config.primary(of: p.view) else { return drop(.notFromPrimary) }
            guard admitView(p.view, envelope) else { return }
            onPrePrepare(p, from: envelope.sender)
        case .prepare(let vote):
            guard admitView(vote.view, envelope) else { return }
            onPrepare(vote, from: envelope.sender, signature: envelope.signature)
        case .commit(let vote):
            // A COMMIT quorum of any view proves a commit, so lower views still count.
            guard vote.view <= view || !buffer(envelope) else { return }
            if vote.view < view { answerStaleView(from: envelope.sender) }
            onCommit(vote, from: envelope.sender, signature: envelope.signature)
        case .checkpoint(let checkpoint): onCheckpoint(checkpoint, from: envelope.sender, signature: envelope.signature)
        case .viewChange(let change): onViewChange(change, envelope: envelope)
        case .newView(let newView): onNewView(newView, envelope: envelope)
        case .forward(let transactions): offer(transactions, from: envelope.sender)
        case .blockRequest(let digest): onBlockRequest(digest, from: envelope.sender)
        case .blockResponse(let block): onBlockResponse(block)
        }
    }

    /// True if a message of `messageView` is for the current, active view; buffers higher views.
    mutating func admitView(_ messageView: UInt64, _ envelope: SignedEnvelope) -> Bool {
        if messageView < view {
            answerStaleView(from: envelope.sender)
            drop(.staleView)
            return false
        }
        if messageView > view || isViewChanging {
            buffer(envelope)
            return false
        }
        return true
    }

    /// Keeps a higher-view message for later, within its sender's share of the buffer and at
    /// most `viewChangeLookaheadMax` views ahead; true when it was a higher-view message (kept
    /// or dropped), false when it is for the current view or below.
    @discardableResult
    mutating func buffer(_ envelope: SignedEnvelope) -> Bool {
        let messageView = envelope.messageView ?? view
        guard messageView >= view else { return false }
        guard messageView <= view + Replica.viewChangeLookaheadMax else {
            drop(.outsideWatermarks)
            return true
        }
        if !futureMessages.add(envelope, view: messageView, sizeBytes: envelope.canonicalBytes.count) { drop(.bufferFull) }
        return true
    }

    mutating func replayBuffered() {
        for envelope in futureMessages.takeAll() { dispatch(envelope) }
    }

    func inWindow(_ height: UInt64) -> Bool { height > lowWatermark && height <= highWatermark }

    mutating func record(evidence item: Evidence) {
        counters.evidenceCount += 1
        if evidence.count < Replica.evidenceMax { evidence.append(item) }
        output.evidence.append(item)
    }

    // MARK: - Outbound

    /// Journals a message, then queues it. Votes are checked against every vote this
    /// replica ever sent: a contradicting vote is never sent.
    mutating func send(_ message: ConsensusMessage, to destination: Destination = .broadcast) {
        if let votingFloor, votingFloor.forbids(message) {
            counters.votesRefusedBelowFloor += 1
            return
        }
        if let key = Replica.sentKey(message) {
            let digest = Replica.votedDigest(message)
            if let previous = sentVotes[key], previous != digest {
                counters.contradictionsAvoided += 1
                return
            }
            sentVotes[key] = digest
            sentMessages[key] = message
        }
        switch message {
        case .forward, .blockRequest, .blockResponse: break
        default: output.journalAppends.append(JournalRecord.sent(message).encoded)
        }
        if let mark = VotingHighWater.mark(of: message), mark > (highWater ?? VotingHighWater(view: 0, height: 0)) {
            highWater = mark
            output.highWater = mark
        }
        output.messages.append(OutboundMessage(destination: destination, message: message))
    }

    static func sentKey(_ message: ConsensusMessage) -> SentKey? {
        switch message {
        case .prePrepare(let p): SentKey(kind: .prePrepare, view: p.view, height: p.height)
        case .prepare(let v): SentKey(kind: .prepare, view: v.view, height: v.height)
        case .commit(let v): SentKey(kind: .commit, view: v.view, height: v.height)
        case .checkpoint(let c): SentKey(kind: .checkpoint, view: 0, height: c.height)
        default: nil
        }
    }

    static func votedDigest(_ message: ConsensusMessage) -> Digest {
        switch message {
        case .prePrepare(let p): p.block.hash
        case .prepare(let v), .commit(let v): v.blockHash
        case .checkpoint(let c): c.digest
        default: .zero
        }
    }

    /// Digests of the blocks this replica sent a PREPARE for, above the low watermark.
    var preparedVoteDigests: [Digest] {
        sentVotes.compactMap { $0.key.kind == .prepare && $0.key.height > lowWatermark ? $0.value : nil }
    }

    func wouldContradict(_ kind: VoteKind, view: UInt64, height: UInt64, digest: Digest) -> Bool {
        if let previous = sentVotes[SentKey(kind: kind, view: view, height: height)] { return previous != digest }
        return false
    }
}
