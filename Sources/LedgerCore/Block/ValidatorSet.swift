import LedgerCrypto

/// The validators from genesis, in genesis order (index i is validator i), and the quorum
/// arithmetic of PBFT for n = 3f + 1.
public struct ValidatorSet: Hashable, Sendable {
    public let keys: [PublicKey]

    public init(keys: [PublicKey]) {
        precondition(!keys.isEmpty, "a validator set is never empty")
        self.keys = keys
    }

    public var count: Int { keys.count }
    /// The most faulty validators tolerated: ⌊(n − 1) / 3⌋.
    public var faultsTolerated: Int { (count - 1) / 3 }
    /// 2f + 1: matching votes that make a quorum.
    public var quorum: Int { 2 * faultsTolerated + 1 }
    /// f + 1: enough that at least one is honest.
    public var weakQuorum: Int { faultsTolerated + 1 }

    public func index(of key: PublicKey) -> Int? { keys.firstIndex(of: key) }

    /// The primary of `view`: validators[view mod n].
    public func primary(of view: UInt64) -> Int { Int(view % UInt64(count)) }
}
