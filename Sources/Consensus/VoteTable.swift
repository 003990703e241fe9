import LedgerCore
import LedgerCrypto

/// Signed votes of one kind (PREPARE or COMMIT), counted per (view, height, digest).
/// One validator casts at most one vote per view and height: the same vote again is a
/// duplicate, a different one is evidence. Bounded: per validator and height only the votes of
/// the latest `viewsPerSenderHeightMax` views are kept — a vote for a later view evicts the
/// oldest — and everything at or below a stable checkpoint is pruned. (Refusing new views once
/// full, as before, stalled a network for good after 8 failed views at one height: even a
/// replica's own votes of later views no longer counted.)
struct VoteTable: Sendable {
    struct Key: Hashable, Sendable {
        let view: UInt64
        let height: UInt64
        let digest: Digest
    }
    struct CastKey: Hashable, Sendable {
        let sender: UInt16
        let view: UInt64
        let height: UInt64
    }
    struct SenderHeight: Hashable, Sendable {
        let sender: UInt16
        let height: UInt64
    }
    enum Outcome: Equatable {
        case added(count: Int)
        case duplicate
        case conflict(first: Digest)
        case overLimit
    }
    static let viewsPerSenderHeightMax = 8

    private(set) var signatures: [Key: [UInt16: Signature]] = [:]
    private var cast: [CastKey: Digest] = [:]
    /// The views each validator voted in at each height, ascending.
    private var viewsCast: [SenderHeight: [UInt64]] = [:]

    mutating func add(sender: UInt16, view: UInt64, height: UInt64, digest: Digest, signature: Signature) -> Outcome {
        let castKey = CastKey(sender: sender, view: view, height: height)
        if let first = cast[castKey] { return first == digest ? .duplicate : .conflict(first: first) }
        let senderHeight = SenderHeight(sender: sender, height: height)
        var views = viewsCast[senderHeight, default: []]
        if views.count >= VoteTable.viewsPerSenderHeightMax {
            guard let oldest = views.first, oldest < view else { return .overLimit }
            evict(sender: sender, view: oldest, height: height)
            views.removeFirst()
        }
        views.insert(view, at: views.firstIndex { $0 > view } ?? views.endIndex)
        viewsCast[senderHeight] = views
        cast[castKey] = digest
        let key = Key(view: view, height: height, digest: digest)
        signatures[key, default: [:]][sender] = signature
        return .added(count: signatures[key]!.count)
    }

    private mutating func evict(sender: UInt16, view: UInt64, height: UInt64) {
        guard let digest = cast.removeValue(forKey: CastKey(sender: sender, view: view, height: height)) else { return }
        let key = Key(view: view, height: height, digest: digest)
        signatures[key]?[sender] = nil
        if signatures[key]?.isEmpty == true { signatures[key] = nil }
    }

    func count(view: UInt64, height: UInt64, digest: Digest) -> Int {
        signatures[Key(view: view, height: height, digest: digest)]?.count ?? 0
    }

    /// The signatures for one (view, height, digest), sorted by validator index.
    func signatureList(view: UInt64, height: UInt64, digest: Digest) -> [ValidatorSignature] {
        let entries = signatures[Key(view: view, height: height, digest: digest)] ?? [:]
        return entries.keys.sorted().map { ValidatorSignature(validatorIndex: $0, signature: entries[$0]!) }
    }

    /// For bound checks: the most votes kept from one sender, the most views kept for one sender
    /// at one height, and the lowest height kept.
    var shape: (votesPerSenderMax: Int, viewsPerSenderHeightMax: Int, lowestHeight: UInt64?) {
        var perSender: [UInt16: Int] = [:]
        for key in cast.keys { perSender[key.sender, default: 0] += 1 }
        return (perSender.values.max() ?? 0, viewsCast.values.map(\.count).max() ?? 0, cast.keys.map(\.height).min())
    }

    mutating func prune(atOrBelow height: UInt64) {
        signatures = signatures.filter { $0.key.height > height }
        cast = cast.filter { $0.key.height > height }
        viewsCast = viewsCast.filter { $0.key.height > height }
    }
}
