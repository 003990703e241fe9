import LedgerCore
import Storage

extension ValidatorNode {
    /// Reads the run on the query connections' snapshot (WAL: whole committed blocks only), in
    /// the request's task, so a large export never holds up consensus.
    public nonisolated func chainEntries(_ heights: ClosedRange<UInt64>) throws(NodeServiceError) -> [ChainExport.Entry] {
        do { return try ledgerQueries.chainEntries(heights) } catch { throw .storage(reason: "\(error)") }
    }
}
