import LedgerCrypto

/// What the mempool did with one submitted transaction.
public struct AdmissionResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Newly admitted.
        case accepted
        /// The identical transaction was already pending: nothing changed (idempotent).
        case duplicate
        case rejected(MempoolRejection)
    }

    public let transactionID: Digest
    public let outcome: Outcome

    public init(transactionID: Digest, outcome: Outcome) {
        self.transactionID = transactionID
        self.outcome = outcome
    }

    /// True when the transaction is now pending (newly or already).
    public var isPending: Bool { outcome == .accepted || outcome == .duplicate }

    public var rejection: MempoolRejection? {
        if case .rejected(let rejection) = outcome { return rejection }
        return nil
    }

    /// Refused because its signature did not verify (work a client can make the node do).
    public var hasInvalidSignature: Bool {
        if case .invalidSignature? = rejection { return true }
        return false
    }
}
