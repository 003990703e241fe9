import LedgerCore
import LedgerCrypto

/// What a node can say when asked for a transaction's proof bundle.
public enum TransactionProofLookup: Sendable, Hashable {
    /// The bundle: the transaction with its block and receipt, both certified.
    case proof(TransactionProof)
    /// Committed in block `height`, but its receipt is certified by the header of block
    /// `certifyingHeight` (height + stateRootLag), which is not committed yet.
    case receiptNotYetCertified(height: UInt64, certifyingHeight: UInt64)
    /// In this node's mempool, not committed yet.
    case pending
    /// Neither pending here nor committed.
    case unknown
}
