import LedgerCore

/// Which signatures a host may check ahead of stepping a message, on other threads, so that
/// the replica's own checks are answered from the host's verified-signature cache. Only what
/// stepping the message would check is selected, by the same cheap tests in the same order:
/// a faulty validator cannot make the host do ECDSA work the replica would have refused
/// without it (a PRE-PREPARE from a non-primary, for another view, outside the window, for a
/// filled slot, oversized, or already judged; a FORWARD's known or rule-breaking transactions).
/// Selecting never changes what the replica decides: it still checks everything itself.
public struct SignaturePrecheck: Sendable, Equatable {
    public var transactions: [Transaction]
    /// A block is invalid at its first bad transaction (`isValid` stops there): the host stops
    /// too, instead of checking the rest of a block already lost.
    public var stopAtFirstFailure: Bool

    public static let none = SignaturePrecheck(transactions: [], stopAtFirstFailure: false)
}

extension Replica {
    public func signaturePrecheck(for envelope: SignedEnvelope) -> SignaturePrecheck {
        guard Int(envelope.sender) < config.count else { return .none }
        switch envelope.message {
        case .forward(let forwarded):
            // As `offer`: the first forwardTransactionsMax, of this chain, within the rules, not
            // already pending or recently committed.
            let selected = forwarded.prefix(ConsensusLimits.forwardTransactionsMax).filter { transaction in
                transaction.chainID == config.chainID && config.rules.violation(transaction) == nil
                    && !mempool.contains(transaction.id) && !committedTransactionIDs.contains(transaction.id)
            }
            return SignaturePrecheck(transactions: selected, stopAtFirstFailure: false)
        case .prePrepare(let proposal):
            // As `dispatch`, `onPrePrepare`, `storeBody` and `isValid`, in that order.
            let block = proposal.block
            guard envelope.sender == config.primary(of: proposal.view), proposal.view == view, !isViewChanging,
                block.header.chainID == config.chainID, inWindow(proposal.height), slots[proposal.height] == nil,
                block.transactions.count <= Int(parameters.batchSizeMax), blockValidity[block.hash] == nil
            else { return .none }
            let valid = block.transactions.prefix { config.rules.violation($0) == nil }
            return SignaturePrecheck(transactions: Array(valid), stopAtFirstFailure: true)
        default:
            return .none
        }
    }
}
