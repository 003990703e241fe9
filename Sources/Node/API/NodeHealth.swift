/// A validator's own judgement of whether it is doing its job, from what it can see alone:
/// `GET /health` answers 503 with these problems, `GET /v1/status` carries them, and
/// `greenledger status` / `testnet status` exit non-zero on them. What needs several
/// validators' answers (views that disagree, heights far apart) the CLI adds on top.
public struct NodeHealth: Sendable, Hashable {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// Fewer validators reachable (this one included) than a quorum: no block can commit.
        case noQuorum(reachable: Int, quorum: Int)
        /// Transactions have waited longer than the stall bound while no block committed.
        case stalled(waiting: Int, secondsWithoutCommit: Int)

        /// A stable, short name for programs (`"no-quorum"`, `"stalled"`).
        public var code: String {
            switch self {
            case .noQuorum: "no-quorum"
            case .stalled: "stalled"
            }
        }

        public var description: String {
            switch self {
            case .noQuorum(let reachable, let quorum):
                "no quorum: \(reachable) validator\(reachable == 1 ? "" : "s") reachable including this one, a quorum is \(quorum); nothing can commit until peers are back (check their processes and the network)"
            case .stalled(let waiting, let seconds):
                "stalled: \(waiting) transaction\(waiting == 1 ? "" : "s") waiting and no block committed for \(seconds) s (check the other validators' status and logs)"
            }
        }
    }

    public var problems: [Problem]

    public var isHealthy: Bool { problems.isEmpty }

    public init(problems: [Problem]) { self.problems = problems }

    /// The stall bound: transactions waiting this long without any commit mean the network is
    /// not making progress. Well above a view change's own timeout, so that replacing a failed
    /// primary does not raise the alarm.
    public static func stallMillis(viewTimeoutMillis: UInt64) -> UInt64 { max(30_000, 4 * viewTimeoutMillis) }

    /// `millisSinceProgress`: since the later of the last commit (or start) and the moment the
    /// mempool last went from empty to holding something — an idle chain that has just been
    /// sent a transaction is not stalled.
    public static func assess(
        reachableValidators: Int, quorum: Int, waitingTransactions: Int, millisSinceProgress: UInt64, stallMillis: UInt64
    ) -> NodeHealth {
        var problems: [Problem] = []
        if reachableValidators < quorum { problems.append(.noQuorum(reachable: reachableValidators, quorum: quorum)) }
        if waitingTransactions > 0, millisSinceProgress >= stallMillis {
            problems.append(.stalled(waiting: waitingTransactions, secondsWithoutCommit: Int(millisSinceProgress / 1_000)))
        }
        return NodeHealth(problems: problems)
    }
}
