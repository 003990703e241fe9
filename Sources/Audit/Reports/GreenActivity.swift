import LedgerCore
import LedgerCrypto

/// What the reports are computed from, collected by observing the audit's replay: green fund
/// flows per UTC day, taxonomy category and currency (successful transfers, and bond
/// allocations under their project's category), and the final replayed state.
public final class GreenActivity: ReplayObserver {
    public struct FlowKey: Hashable, Sendable {
        /// Days since 1970-01-01 (UTC) of the block that committed the flow.
        public var day: Int64
        public var category: TaxonomyCategory
        public var currency: String
    }

    public struct FlowTotal: Hashable, Sendable {
        /// Exact: no sum of ledger amounts saturates.
        public var amount: ExactAmount = .zero
        public var transfers: UInt64 = 0
    }

    public private(set) var dailyFlows: [FlowKey: FlowTotal] = [:]
    /// The replayed state after the last audited block (nil until the replay ends).
    public private(set) var finalState: LedgerState?

    public init() {}

    public func executed(_ block: Block, receipts: [Receipt], state: LedgerState) {
        let day = Int64(block.header.timestampMillis / 86_400_000)
        for (transaction, receipt) in zip(block.transactions, receipts) where receipt.succeeded {
            switch transaction.payload {
            case .transferFunds(let body):
                // A transfer to oneself moves nothing: never a green flow (format-1 chains
                // committed them; a format-2 genesis refuses them).
                guard body.to != transaction.senderAddress else { continue }
                add(FlowKey(day: day, category: body.category, currency: body.currency.value), body.amount)
            case .allocateProceeds(let body):
                guard let project = state.projects[body.projectID], let bond = state.bonds[body.bondID] else { continue }
                add(FlowKey(day: day, category: project.category, currency: bond.currency.value), body.amount)
            default:
                continue
            }
        }
    }

    public func finished(state: LedgerState) { finalState = state }

    private func add(_ key: FlowKey, _ amount: UInt64) {
        var total = dailyFlows[key] ?? FlowTotal()
        total.amount += amount
        total.transfers += 1
        dailyFlows[key] = total
    }
}
