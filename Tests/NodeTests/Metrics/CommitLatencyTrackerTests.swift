@testable import Node
import Testing

@Suite("Block commit timing")
struct CommitLatencyTrackerTests {
    let start = ContinuousClock.now

    @Test("a commit is timed from the first PRE-PREPARE seen for its height; re-proposals keep the first time")
    func timedFromFirstProposal() {
        var tracker = CommitLatencyTracker()
        tracker.sawProposal(height: 1, at: start)
        tracker.sawProposal(height: 1, at: start + .milliseconds(400))
        tracker.sawProposal(height: 2, at: start + .milliseconds(100))
        #expect(tracker.committed(height: 1, at: start + .milliseconds(250)) == .milliseconds(250))
        #expect(tracker.committed(height: 2, at: start + .milliseconds(300)) == .milliseconds(200))
    }

    @Test("blocks never seen proposed (state transfer) and late PRE-PREPAREs for committed heights are not timed")
    func untimed() {
        var tracker = CommitLatencyTracker()
        #expect(tracker.committed(height: 5, at: start) == nil)
        tracker.sawProposal(height: 4, at: start)
        tracker.sawProposal(height: 5, at: start)
        tracker.sawProposal(height: 6, at: start)
        #expect(tracker.committed(height: 6, at: start + .seconds(1)) == .seconds(1))
        // Heights at or below the last commit were forgotten, and are not noted again.
        #expect(tracker.committed(height: 4, at: start + .seconds(2)) == nil)
    }

    @Test("open heights are bounded: the lowest make room")
    func bounded() {
        var tracker = CommitLatencyTracker()
        let count = UInt64(CommitLatencyTracker.capacity) + 10
        for height in 1...count { tracker.sawProposal(height: height, at: start) }
        #expect(tracker.committed(height: 1, at: start + .seconds(1)) == nil)
        #expect(tracker.committed(height: count, at: start + .seconds(1)) == .seconds(1))
    }
}
