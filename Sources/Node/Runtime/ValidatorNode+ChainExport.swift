import LedgerCore
import Storage

extension ValidatorNode {
    /// Reads the run from the store; the node's own writes happen on this actor, so a run
    /// never includes half a block.
    public func chainEntries(_ heights: ClosedRange<UInt64>) throws(NodeServiceError) -> [ChainExport.Entry] {
        do { return try store.exportEntries(heights) } catch { throw .storage(reason: "\(error)") }
    }
}
