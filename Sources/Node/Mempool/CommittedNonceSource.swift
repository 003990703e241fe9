import LedgerCrypto

/// Where the mempool reads each sender's committed nonce (its account nonce after the last
/// committed block). The node implements it over its ledger state; it must be safe to call
/// from any task, and should be updated before `Mempool.committed(block:)` is called (the
/// mempool also takes the block's own nonces into account, so a late update is harmless).
public protocol CommittedNonceSource: Sendable {
    func committedNonce(of sender: Address) -> UInt64
}

/// A `CommittedNonceSource` from a closure.
public struct CommittedNonceClosure: CommittedNonceSource {
    private let body: @Sendable (Address) -> UInt64

    public init(_ body: @escaping @Sendable (Address) -> UInt64) { self.body = body }

    public func committedNonce(of sender: Address) -> UInt64 { body(sender) }
}
