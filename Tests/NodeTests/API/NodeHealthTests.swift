import Node
import Testing

/// `NodeHealth.assess`: what makes `GET /health` answer 503.
@Suite("node health")
struct NodeHealthTests {
    private let stall: UInt64 = 30_000

    @Test("healthy: a quorum reachable and nothing waiting, or waiting less than the stall bound")
    func healthy() {
        #expect(NodeHealth.assess(reachableValidators: 4, quorum: 3, waitingTransactions: 0, millisSinceProgress: 3_600_000, stallMillis: stall).isHealthy)
        #expect(NodeHealth.assess(reachableValidators: 3, quorum: 3, waitingTransactions: 500, millisSinceProgress: 29_999, stallMillis: stall).isHealthy)
    }

    @Test("fewer validators reachable than a quorum is no-quorum")
    func noQuorum() {
        let health = NodeHealth.assess(reachableValidators: 2, quorum: 3, waitingTransactions: 0, millisSinceProgress: 0, stallMillis: stall)
        #expect(health.problems == [.noQuorum(reachable: 2, quorum: 3)])
        #expect(health.problems.first?.code == "no-quorum")
    }

    @Test("transactions waiting past the stall bound without a commit is stalled, with both problems when both hold")
    func stalled() {
        let health = NodeHealth.assess(reachableValidators: 1, quorum: 3, waitingTransactions: 7, millisSinceProgress: 45_500, stallMillis: stall)
        #expect(health.problems == [.noQuorum(reachable: 1, quorum: 3), .stalled(waiting: 7, secondsWithoutCommit: 45)])
        #expect("\(health.problems[1])".contains("7 transactions waiting and no block committed for 45 s"))
    }

    @Test("the stall bound stays above a view change's timeout")
    func stallBound() {
        #expect(NodeHealth.stallMillis(viewTimeoutMillis: 2_000) == 30_000)
        #expect(NodeHealth.stallMillis(viewTimeoutMillis: 20_000) == 80_000)
    }
}
