import Node
import Synchronization

/// Where a transaction command reports what became of its transaction, for a caller that runs
/// the command in-process (the demo) and needs the id, block and receipt, not just the printed
/// lines. Outside such a caller no sink is set and nothing is recorded.
final class TransactionOutcomes: Sendable {
    enum Outcome: Sendable {
        /// Committed with a certificate and proof checked against the caller's genesis.
        case committed(TransactionCommit)
        /// Refused by the node before ordering (signature, nonce, mempool), with its reason.
        case refused(String)
    }

    @TaskLocal static var sink: TransactionOutcomes?

    private let outcomes = Mutex<[Outcome]>([])

    func record(_ outcome: Outcome) { outcomes.withLock { $0.append(outcome) } }

    var last: Outcome? { outcomes.withLock { $0.last } }
}
