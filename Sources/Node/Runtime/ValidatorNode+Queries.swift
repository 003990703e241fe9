import Storage

extension ValidatorNode {
    /// The store's read-only query connections; callers run SQL in their own task, so a query
    /// never waits for consensus nor holds it up.
    public nonisolated func queries() -> LedgerQueries { ledgerQueries }
}
