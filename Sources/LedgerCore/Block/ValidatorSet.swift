import LedgerCrypto

/// The validators from genesis, in genesis order (index i is validator i), and the quorum
/// arithmetic of Byzantine agreement for any n.
public struct ValidatorSet: Hashable, Sendable {
    public let keys: [PublicKey]

    public init(keys: [PublicKey]) {
        precondition(!keys.isEmpty, "a validator set is never empty")
        self.keys = keys
    }

    public var count: Int { keys.count }
    /// The most faulty validators tolerated: f = ⌊(n − 1) / 3⌋.
    public var faultsTolerated: Int { (count - 1) / 3 }
    /// q = ⌈(n + f + 1) / 2⌉ matching votes make a quorum. Any two quorums then share at least
    /// 2q − n ≥ f + 1 validators, so at least one honest one, for every n — not only n = 3f + 1,
    /// where q = 2f + 1. (With 2f + 1 for n = 6, two disjoint halves of 3 could each certify a
    /// different block.) And n − f ≥ q, so the honest validators alone still reach a quorum.
    public var quorum: Int { (count + faultsTolerated + 2) / 2 }
    /// f + 1: enough that at least one is honest.
    public var weakQuorum: Int { faultsTolerated + 1 }
    /// True when the set tolerates no faulty validator (n < 4): one faulty or stopped validator
    /// can then fork or stop the chain.
    public var toleratesNoFault: Bool { faultsTolerated == 0 }

    /// One line for operators: how many validators, the quorum and the faults tolerated.
    public var toleranceSummary: String {
        "\(count) validator\(count == 1 ? "" : "s"): quorum \(quorum), tolerates \(faultsTolerated) faulty"
    }

    /// A warning for a set that tolerates no fault, nil otherwise.
    public var toleranceWarning: String? {
        guard toleratesNoFault else { return nil }
        return "warning: \(count) validator\(count == 1 ? "" : "s") tolerate no faulty or stopped validator: one can stop the chain, and a faulty one can fork it; use 4 or more (n = 3f + 1 tolerates f)"
    }

    public func index(of key: PublicKey) -> Int? { keys.firstIndex(of: key) }

    /// The primary of `view`: validators[view mod n].
    public func primary(of view: UInt64) -> Int { Int(view % UInt64(count)) }
}
