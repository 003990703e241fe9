import LedgerCrypto

extension LedgerState {
    /// Runs `transactions` in order against this state as the next block would and returns
    /// the receipt each would get — changing nothing: every record is restored afterwards
    /// (the dictionaries are copy-on-write, so saving them costs nothing until a write).
    ///
    /// What it cannot know is left out, and said so in the API: nonces are not checked (each
    /// transaction is taken as its sender's next; the mempool checks nonces on submission),
    /// signatures are the caller's to check, and transactions still pending in a mempool are
    /// not applied first. The static rules (chain, membership, payload format) are checked.
    public func simulate(_ transactions: [Transaction]) -> [Receipt] {
        let saved = (accounts, projects, vintages, attestations, creditBlocks, bonds, allocations, attestedReports, dirtyKeys)
        defer {
            (accounts, projects, vintages, attestations, creditBlocks, bonds, allocations, attestedReports, dirtyKeys) = saved
        }
        let context = ExecutionContext(height: height + 1, timestampMillis: lastTimestampMillis)
        return transactions.map { transaction in
            if let violation = rules.violation(transaction) {
                let code: FailureCode = switch violation {
                case .wrongChain: .wrongChain
                case .notAMember: .notAMember
                case .payloadFormat: .payloadFormat
                }
                return Receipt(transactionID: transaction.id, outcome: .failure(TransactionFailure(code, violation.description)))
            }
            return Receipt(transactionID: transaction.id, outcome: execute(transaction, context: context, checkNonce: false))
        }
    }
}
