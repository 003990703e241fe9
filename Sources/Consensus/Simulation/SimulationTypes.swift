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
    /// Keep readable trace lines.
    public var trace = false
    public var faultPhaseMillis: UInt64 = 15_000
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
    public var messagesDelivered = 0
    public var realKeys = false
    public var byzantineCount = 0
    public var simulatedMillis: UInt64 = 0
    public var traceHash: Digest = .zero
    public var traceLines: [String] = []
    public var passed: Bool { violations.isEmpty }
}
