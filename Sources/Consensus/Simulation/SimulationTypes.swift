import LedgerCore
import LedgerCrypto

/// What one simulated run does. Everything not set here is drawn from the seed.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    public var replicaCount: Int
    /// Every honest replica must reach this height (and K more after the faults stop).
    public var blocksTarget: UInt64 = 30
    /// Blocks every honest replica must commit after the faults stop.
    public var livenessBlocks: UInt64 = 8
    /// Byzantine validators run as Twins (two instances, one key). nil: the seed picks 0…f.
    public var byzantineCount: Int? = nil
    /// Negative control: split the network so twins of f+1 validators can fork it.
    public var forkAttack = false
    /// Negative control: every replica commits on f+1 instead of the quorum.
    public var brokenQuorum = false
    /// nil: the seed decides (1 seed in 16 uses real P-256 keys).
    public var realKeys: Bool? = nil
    /// Blocks run through `LedgerState` (true) or a hash-chain stand-in; nil: one seed in 4 is real.
    public var realExecution: Bool? = nil
    /// Keep readable trace lines.
    public var trace = false
    public var faultPhaseMillis: UInt64 = 15_000
    /// One seed in 6 gets a 60 s fault phase that loses every COMMIT, or every CHECKPOINT, for 45 s.
    public var longFaultPhases = true
    public var livenessBoundMillis: UInt64 = 90_000

    public init(seed: UInt64, replicaCount: Int) {
        self.seed = seed
        self.replicaCount = replicaCount
    }
}

/// What happened in one run, and every invariant it broke.
public struct SimulationResult: Sendable {
    public var seed: UInt64 = 0
    public var violations: [String] = []
    /// Lowest committed height among honest replicas at the end.
    public var blocksCommitted: UInt64 = 0
    public var viewChanges = 0
    public var nestedViewChanges = 0
    public var stateTransfers = 0
    public var restarts = 0
    public var restartsDuringViewChange = 0
    public var equivocations = 0
    public var forgedDropped = 0
    /// How often each Byzantine strategy acted (by raw name).
    public var strategyActions: [String: Int] = [:]
    /// The largest bounded structures of any honest replica over the run.
    public var bounds = BoundMaxima()
    public var longFaultPhase = false
    /// Messages lost to a correlated loss of one kind.
    public var lostByKind = 0
    /// Crashes at each crash point (`CrashPoint` raw names) and rolling restarts completed.
    public var crashPoints: [String: Int] = [:]
    public var rollingRestarts = 0
    /// Rolling restarts aimed at a re-proposed height a cut-off replica committed in an earlier view.
    public var aimedRollingRestarts = 0
    /// Crashes aimed at a replica that entered a view change alone, its view record torn.
    public var aimedTornRestarts = 0
    /// Crashes aimed at a replica whose VIEW-CHANGE is behind its stable checkpoint, that record torn.
    public var aimedTornViewChanges = 0
    /// Data directories restored from an older copy, restarts that found their journal behind
    /// the high-water mark, and the votes refused below it.
    public var rollbacks = 0
    /// Slow-disk phases, and messages dropped because a slow host's send queue to a peer was full.
    public var slowDiskPhases = 0
    public var sendQueueOverflows = 0
    /// Journal records torn by a crash (the restart finds them unreadable).
    public var tornJournalRecords = 0
    public var rollbacksDetected = 0
    /// Votes a rollback floor refused, and views it made a restarted replica leave at once.
    public var votesRefusedBelowFloor = 0
    /// Transactions a replica gave back to its host (mempool full), and those lost because
    /// the node holding them crashed (the host's queue and the replica's mempool are memory).
    public var refusedTransactions = 0
    public var lostInCrashes = 0
    /// Accepted transactions still uncommitted in an honest mempool or host queue at the end of
    /// the quiet observation window (a violation unless a clock runs beyond the bound).
    public var waitingAtEnd = 0
    public var realExecution = false
    /// An honest node's clock ran beyond the skew bound (its future-dated proposals refused).
    public var clockBeyondBound = false
    /// Receipts of failed transactions on honest replicas running the real state machine
    /// (bad nonces, insufficient funds: what execution refuses after consensus ordered it).
    public var failedReceipts = 0
    public var messagesDelivered = 0
    public var realKeys = false
    public var byzantineCount = 0
    public var simulatedMillis: UInt64 = 0
    public var traceHash: Digest = .zero
    public var traceLines: [String] = []
    public var passed: Bool { violations.isEmpty }
}

/// Where in a host step a simulated crash lands. The host's order is: journal records made
/// durable, then messages sent, then committed blocks stored and executed.
enum CrashPoint: String, CaseIterable, Sendable {
    /// Between steps.
    case now
    /// Inside a step that journaled: its records never became durable, so (the host sends
    /// only after the journal is durable) its messages never left.
    case journalLost = "journal-lost"
    /// After a step's journal is durable, with some of its messages sent and the rest not.
    case someSendsLeft = "some-sends-left"
    /// After a step that committed: journal and messages out, the blocks not stored.
    case beforeStore = "before-store"
}
