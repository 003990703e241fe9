/// Consensus: GreenLedger's PBFT replica (Castro–Liskov) as a pure, deterministic state
/// machine. It never reads a clock, opens a socket, draws randomness or touches a disk:
/// the host feeds it `ReplicaEvent`s and carries out the `ReplicaOutput` it returns
/// (persist journal records, then send messages, then store and execute committed blocks).
import LedgerCore
import LedgerCrypto

/// PRE-PREPARE(v, h, block): the primary of view `view` proposes `block` at its height.
public struct PrePrepare: Hashable, Sendable {
    public let view: UInt64
    public let block: Block
    public init(view: UInt64, block: Block) {
        self.view = view
        self.block = block
    }
    public var height: UInt64 { block.height }
}

/// A PREPARE or COMMIT vote for one block digest at one view and height.
public struct Vote: Hashable, Sendable {
    public let view: UInt64
    public let height: UInt64
    public let blockHash: Digest
    public init(view: UInt64, height: UInt64, blockHash: Digest) {
        self.view = view
        self.height = height
        self.blockHash = blockHash
    }
}

/// CHECKPOINT(h): the block at `height` and the state root after executing it.
public struct Checkpoint: Hashable, Sendable {
    public let height: UInt64
    public let blockHash: Digest
    public let stateRoot: Digest
    public init(height: UInt64, blockHash: Digest, stateRoot: Digest) {
        self.height = height
        self.blockHash = blockHash
        self.stateRoot = stateRoot
    }
    /// What a CHECKPOINT vote signs (inside `VoteDigest`): block and state together.
    public var digest: Digest { SHA256.hash(blockHash.bytes + stateRoot.bytes) }
}

/// A quorum of PREPARE signatures of one view for one block: proof that a block was prepared.
public struct PreparedCertificate: Hashable, Sendable {
    public let view: UInt64
    public let height: UInt64
    public let blockHash: Digest
    /// Sorted by validator index, no index twice.
    public let signatures: [ValidatorSignature]
    public init(view: UInt64, height: UInt64, blockHash: Digest, signatures: [ValidatorSignature]) {
        self.view = view
        self.height = height
        self.blockHash = blockHash
        self.signatures = signatures.sorted { $0.validatorIndex < $1.validatorIndex }
    }
}

/// A quorum of matching CHECKPOINT signatures: a stable checkpoint.
public struct CheckpointCertificate: Hashable, Sendable {
    public let checkpoint: Checkpoint
    /// Sorted by validator index, no index twice.
    public let signatures: [ValidatorSignature]
    public init(checkpoint: Checkpoint, signatures: [ValidatorSignature]) {
        self.checkpoint = checkpoint
        self.signatures = signatures.sorted { $0.validatorIndex < $1.validatorIndex }
    }
    public var height: UInt64 { checkpoint.height }
}

/// VIEW-CHANGE(v+1): the sender's stable checkpoint (nil = genesis) and a prepared
/// certificate for every height above it that it prepared (highest view per height).
public struct ViewChange: Hashable, Sendable {
    public let newView: UInt64
    public let checkpoint: CheckpointCertificate?
    public let prepared: [PreparedCertificate]
    public init(newView: UInt64, checkpoint: CheckpointCertificate?, prepared: [PreparedCertificate]) {
        self.newView = newView
        self.checkpoint = checkpoint
        self.prepared = prepared.sorted { $0.height < $1.height }
    }
    public var checkpointHeight: UInt64 { checkpoint?.height ?? 0 }
}

/// A block re-proposed by NEW-VIEW with the digest it was prepared with.
public struct Reproposal: Hashable, Sendable {
    public let height: UInt64
    public let blockHash: Digest
    public init(height: UInt64, blockHash: Digest) {
        self.height = height
        self.blockHash = blockHash
    }
}

/// NEW-VIEW(v): a quorum of signed VIEW-CHANGEs for v and the re-proposals every replica can
/// recompute from them.
public struct NewView: Hashable, Sendable {
    public let view: UInt64
    public let viewChanges: [SignedEnvelope]
    public let reproposals: [Reproposal]
    public init(view: UInt64, viewChanges: [SignedEnvelope], reproposals: [Reproposal]) {
        self.view = view
        self.viewChanges = viewChanges
        self.reproposals = reproposals
    }
}

/// Everything replicas say to each other. The host signs `signingDigest` and wraps the
/// message in a `SignedEnvelope`; the peer layer carries the envelope's bytes opaquely.
public enum ConsensusMessage: Hashable, Sendable {
    case prePrepare(PrePrepare)
    case prepare(Vote)
    case commit(Vote)
    case checkpoint(Checkpoint)
    case viewChange(ViewChange)
    case newView(NewView)
    /// A backup forwards transactions it was offered to the primary.
    case forward([Transaction])
    /// Asks a peer for a block body by digest (re-proposals, bodies of certified blocks).
    case blockRequest(Digest)
    case blockResponse(Block)

    public var kindName: String {
        switch self {
        case .prePrepare: "PRE-PREPARE"
        case .prepare: "PREPARE"
        case .commit: "COMMIT"
        case .checkpoint: "CHECKPOINT"
        case .viewChange: "VIEW-CHANGE"
        case .newView: "NEW-VIEW"
        case .forward: "FORWARD"
        case .blockRequest: "BLOCK-REQUEST"
        case .blockResponse: "BLOCK-RESPONSE"
        }
    }
}

/// A message with its sender's validator index and signature over `signingDigest`.
public struct SignedEnvelope: Hashable, Sendable {
    public let sender: UInt16
    public let message: ConsensusMessage
    public let signature: Signature
    public init(sender: UInt16, message: ConsensusMessage, signature: Signature) {
        self.sender = sender
        self.message = message
        self.signature = signature
    }
}
