@testable import Node
import Testing

/// `GREENLEDGER_CRASH_AT`: what it accepts, and the sentence for what it does not. (Reaching an
/// armed point exits the process, so that is tested end to end: `CrashPointEndToEndTests`.)
@Suite struct CrashPointsTests {
    @Test("a point name, optionally with the time to crash at; unset or empty is off")
    func specifications() throws {
        #expect(try CrashPoints(specification: "journal-written").armed == .journalWritten)
        let third = try CrashPoints(specification: "some-sent:3")
        #expect(third.armed == .someSent && third.hitsBeforeCrash == 3)
        #expect(try CrashPoints.fromEnvironment([:]).armed == nil)
        #expect(try CrashPoints.fromEnvironment([CrashPoints.environmentVariable: ""]).armed == nil)
        #expect(try CrashPoints.fromEnvironment([CrashPoints.environmentVariable: "mid-compaction"]).armed == .midCompaction)
        // Points that are not armed pass.
        let armed = try CrashPoints(specification: "stored-not-answered:2")
        for point in CrashPoints.Point.allCases where point != .storedNotAnswered { armed.reach(point) }
        armed.reach(.storedNotAnswered)
    }

    @Test("an unknown point or a bad count is refused with the list of points")
    func refusals() {
        for bad in ["nope", "some-sent:0", "some-sent:x", "some-sent:1:2", ":3"] {
            #expect {
                _ = try CrashPoints(specification: bad)
            } throws: { error in
                "\(error)".contains(CrashPoints.environmentVariable) && ("\(error)".contains("journal-written") || "\(error)".contains("1 or more"))
            }
        }
    }
}
