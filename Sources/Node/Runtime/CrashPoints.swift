import Foundation
import Synchronization

/// Named points at which the node exits at once — `_exit`, no cleanup, as `kill -9` would —
/// when `GREENLEDGER_CRASH_AT` names one (`point` or `point:N`, the N-th time it is reached).
/// Off unless set. The fault campaign (`scripts/chaos`) and the end-to-end tests hit each point
/// on purpose rather than hoping a random kill lands there; docs/reliability.md lists them.
public final class CrashPoints: Sendable {
    public enum Point: String, CaseIterable, Sendable {
        /// A step's journal records (and voting high-water mark) are durable; none of its
        /// messages has left.
        case journalWritten = "journal-written"
        /// Mid-send: the first of a step's messages has left (a broadcast to one peer only),
        /// the others have not.
        case someSent = "some-sent"
        /// A committed block is executed; it is not stored.
        case executedNotStored = "executed-not-stored"
        /// A block is stored; the clients waiting for its transactions have not been answered.
        case storedNotAnswered = "stored-not-answered"
        /// Catching up from peers (a state transfer, or certified blocks fetched one by one), a
        /// block is stored; the certified blocks above it are not yet.
        case midStateTransfer = "mid-state-transfer"
        /// Journal compaction deleted the old records; the new ones are not written (the
        /// SQLite transaction is open, so the restart finds the old journal).
        case midCompaction = "mid-compaction"
    }

    public static let environmentVariable = "GREENLEDGER_CRASH_AT"
    /// The exit status at a crash point, so a harness tells it from other exits.
    public static let exitStatus: Int32 = 86

    public let armed: Point?
    public let hitsBeforeCrash: Int
    private let hits = Mutex(0)

    /// Off.
    public init() {
        armed = nil
        hitsBeforeCrash = 1
    }

    /// From `GREENLEDGER_CRASH_AT`'s value: `point` or `point:N` with N ≥ 1.
    public init(specification: String) throws(NodeError) {
        let parts = specification.split(separator: ":", omittingEmptySubsequences: false)
        let names = Point.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = parts.first, let point = Point(rawValue: String(name)), parts.count <= 2 else {
            throw .configuration("\(CrashPoints.environmentVariable)=\(specification) names no crash point; use one of \(names), optionally with :N for the N-th time")
        }
        var count = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 1 else {
                throw .configuration("\(CrashPoints.environmentVariable)=\(specification): after the colon comes how many times to pass the point before crashing, 1 or more")
            }
            count = parsed
        }
        armed = point
        hitsBeforeCrash = count
    }

    /// From the process environment: off when the variable is unset or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(NodeError) -> CrashPoints {
        guard let value = environment[environmentVariable], !value.isEmpty else { return CrashPoints() }
        return try CrashPoints(specification: value)
    }

    /// Exits the process if `point` is armed and this is its N-th time.
    public func reach(_ point: Point) {
        if isDue(point) { exit(at: point) }
    }

    /// Counts one passage of `point`; true when this one is where the process must die (the
    /// caller does its partial work, then calls `exit(at:)`).
    public func isDue(_ point: Point) -> Bool {
        guard point == armed else { return false }
        return hits.withLock { hits in
            hits += 1
            return hits >= hitsBeforeCrash
        }
    }

    public func exit(at point: Point) -> Never {
        FileHandle.standardError.write(Data("greenledger: crash point \(point.rawValue) reached (\(CrashPoints.environmentVariable)): exiting with status \(CrashPoints.exitStatus)\n".utf8))
        _exit(CrashPoints.exitStatus)
    }
}
