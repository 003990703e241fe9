@testable import Node
import Testing

/// Attack F3: a validator forwarding transactions no honest one forwards is suspended past a
/// threshold, for longer each time.
@Suite("Invalid forwards suspend their sender")
struct ForwardPenaltiesTests {
    @Test("below the threshold nothing happens; crossing it suspends for a minute, doubling on each repeat up to an hour")
    func thresholdAndDoubling() {
        var penalties = ForwardPenalties()
        #expect(penalties.record(99, from: 3, nowMillis: 0) == nil)
        #expect(penalties.record(1, from: 3, nowMillis: 1_000) == .seconds(60))
        // The count starts again after a suspension.
        #expect(penalties.record(99, from: 3, nowMillis: 2_000) == nil)
        #expect(penalties.record(1, from: 3, nowMillis: 3_000) == .seconds(120))
        for _ in 0..<10 { _ = penalties.record(100, from: 3, nowMillis: 4_000) }
        #expect(penalties.record(100, from: 3, nowMillis: 5_000) == .seconds(3_600))
    }

    @Test("counts are per validator and per minute")
    func perValidatorAndWindow() {
        var penalties = ForwardPenalties()
        #expect(penalties.record(60, from: 1, nowMillis: 0) == nil)
        #expect(penalties.record(60, from: 2, nowMillis: 0) == nil)
        // A minute later validator 1's earlier 60 no longer count.
        #expect(penalties.record(60, from: 1, nowMillis: 60_000) == nil)
        #expect(penalties.record(40, from: 2, nowMillis: 59_999) == .seconds(60))
    }
}
