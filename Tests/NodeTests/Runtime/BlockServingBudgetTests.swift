@testable import Node
import Testing

/// Attack F11: a peer asking for blocks over and over was answered every time (up to 4 MiB a
/// request). Each peer now has a request rate and a byte rate.
@Suite("Block requests are served within a per-peer budget")
struct BlockServingBudgetTests {
    static let second: UInt64 = 1_000_000_000

    @Test("a burst of requests is served up to the burst, the rest refused until the rate refills; other peers are unaffected")
    func requestRate() {
        var budget = BlockServingBudget()
        var served = 0
        for _ in 0..<300 where budget.admit(1, now: 0) { served += 1 }
        #expect(served == Int(BlockServingBudget.requestsBurst))
        let otherPeer = budget.admit(2, now: 0)
        #expect(otherPeer, "another peer has its own budget")
        let refilled = budget.admit(1, now: Self.second)
        #expect(refilled, "the rate refills")
    }

    @Test("bytes sent are spent into debt: after a big response the peer waits until the rate pays it back")
    func byteRate() {
        var budget = BlockServingBudget()
        let first = budget.admit(1, now: 0)
        #expect(first)
        budget.spent(Int(BlockServingBudget.bytesBurst) + Int(BlockServingBudget.bytesPerSecond), on: 1, now: 0)
        let inDebt = budget.admit(1, now: Self.second / 2)
        #expect(!inDebt, "one second's worth in debt")
        let paidBack = budget.admit(1, now: Self.second + Self.second / 10)
        #expect(paidBack)
    }
}
