import LedgerCore

/// Sees the audit's own replay: every block after it executed (in height order, with its
/// receipts and the state after it) and the final state once every check passed or failed.
/// Reports are built from what an observer saw, so they describe exactly the audited chain.
public protocol ReplayObserver: AnyObject {
    func executed(_ block: Block, receipts: [Receipt], state: LedgerState)
    func finished(state: LedgerState)
}
