/// What the node does about a validator whose FORWARDs carry transactions no honest replica
/// forwards (see `ReplicaOutput.invalidForwards`): past `threshold` of them in a minute, its
/// link is suspended for a minute, doubling with each repeat up to an hour. Each one already
/// proves the validator faulty; the threshold only keeps one odd message from cutting a link.
/// Bounded: one entry per validator.
struct ForwardPenalties: Sendable {
    static let threshold = 100
    static let windowMillis: UInt64 = 60_000
    static let suspensionFirstSeconds: Int64 = 60
    static let suspensionMaxSeconds: Int64 = 3_600

    private var windows: [UInt16: (startMillis: UInt64, count: Int)] = [:]
    private var suspensions: [UInt16: Int] = [:]

    /// Counts `count` invalid forwards from `validator`; returns how long to suspend it when
    /// this crosses the threshold, else nil.
    mutating func record(_ count: Int, from validator: UInt16, nowMillis: UInt64) -> Duration? {
        var window = windows[validator] ?? (nowMillis, 0)
        if nowMillis >= window.startMillis + Self.windowMillis { window = (nowMillis, 0) }
        window.count += count
        guard window.count >= Self.threshold else {
            windows[validator] = window
            return nil
        }
        windows[validator] = (nowMillis, 0)
        let repeats = suspensions[validator, default: 0]
        suspensions[validator] = repeats + 1
        let seconds = min(Self.suspensionFirstSeconds << Int64(min(repeats, 10)), Self.suspensionMaxSeconds)
        return .seconds(seconds)
    }
}
