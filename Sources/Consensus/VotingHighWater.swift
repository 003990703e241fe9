import LedgerCore
import LedgerCrypto

/// The highest (view, height) at which a replica signed a vote, a proposal, a VIEW-CHANGE or a
/// NEW-VIEW. A VIEW-CHANGE counts as height 0 of its view; a NEW-VIEW as its highest re-proposed
/// height, and at least 1 — above the VIEW-CHANGE its primary sent for the same view, so a
/// primary restored to a copy taken between the two knows it may have sent a NEW-VIEW (and
/// builds no other; simulator seed 463 of n = 6). CHECKPOINTs are not counted: they state what
/// execution produced, so an honest replica can never contradict one.
///
/// The host keeps it apart from the journal and the block store — beside the data directory,
/// not in it — and makes it durable together with the journal, before the step's messages
/// leave. A data directory restored from an older copy then comes back with a journal that is
/// behind this mark: the replica knows it may have voted where its journal is silent, and
/// refuses every vote at or below the mark (see `Replica.votingFloor`). It still commits on the
/// others' COMMITs and catches up; it votes again above the mark, in a later view or at a
/// later height. Without the mark a rolled-back replica is as dangerous as a faulty one.
public struct VotingHighWater: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let view: UInt64
    public let height: UInt64

    public init(view: UInt64, height: UInt64) {
        self.view = view
        self.height = height
    }

    public static func < (lhs: VotingHighWater, rhs: VotingHighWater) -> Bool {
        (lhs.view, lhs.height) < (rhs.view, rhs.height)
    }

    public var description: String { "view \(view) height \(height)" }

    /// Where `message` stands, or nil for messages that cannot contradict anything.
    static func mark(of message: ConsensusMessage) -> VotingHighWater? {
        switch message {
        case .prePrepare(let p): VotingHighWater(view: p.view, height: p.height)
        case .prepare(let v), .commit(let v): VotingHighWater(view: v.view, height: v.height)
        case .viewChange(let change): VotingHighWater(view: change.newView, height: 0)
        case .newView(let newView): VotingHighWater(view: newView.view, height: max(1, newView.reproposals.map(\.height).max() ?? 0))
        case .checkpoint, .forward, .blockRequest, .blockResponse: nil
        }
    }

    /// True when nothing may be voted in `otherView` any more: a view below the mark, or the
    /// mark's own view when the mark covers every height of it (a damaged journal).
    func forbidsEveryVote(inView otherView: UInt64) -> Bool {
        otherView < view || (otherView == view && height == UInt64.max)
    }

    /// True when a replica whose journal may have lost everything up to `self` must not send
    /// `message`: a vote at or below the mark, or a VIEW-CHANGE or NEW-VIEW for its view or an
    /// earlier one (it may have sent another there).
    func forbids(_ message: ConsensusMessage) -> Bool {
        guard let mark = VotingHighWater.mark(of: message) else { return false }
        switch message {
        case .viewChange, .newView: return mark.view <= view
        default: return mark <= self
        }
    }
}
