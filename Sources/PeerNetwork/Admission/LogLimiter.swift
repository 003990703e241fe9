/// Rate-limited logging for lines a stranger can trigger at will (refused connections,
/// failed handshakes, bad frames): per kind, the first `linesPerWindow` lines of each window
/// are logged and the rest only counted; the next line logged says how many were held back.
public struct LogLimiter: Sendable {
    let linesPerWindow: Int
    let windowNanos: UInt64
    private var windows: [String: Window] = [:]
    /// Lines held back since start, all kinds.
    public private(set) var suppressedTotal: UInt64 = 0

    private struct Window: Sendable {
        var start: UInt64
        var logged: Int
        var suppressed: Int
    }

    public init(linesPerWindow: Int = 5, windowSeconds: UInt64 = 60) {
        self.linesPerWindow = linesPerWindow
        windowNanos = windowSeconds * 1_000_000_000
    }

    /// nil: hold this line back. Otherwise log it, noting the count of lines of this kind
    /// held back before it (0 for none).
    public mutating func permit(_ kind: String, now: UInt64) -> Int? {
        var window = windows[kind] ?? Window(start: now, logged: 0, suppressed: 0)
        if now >= window.start + windowNanos {
            window.start = now
            window.logged = 0
        }
        guard window.logged < linesPerWindow else {
            window.suppressed += 1
            suppressedTotal += 1
            windows[kind] = window
            return nil
        }
        let heldBack = window.suppressed
        window.logged += 1
        window.suppressed = 0
        windows[kind] = window
        return heldBack
    }

    /// " (37 similar lines held back)" or "".
    public static func note(_ heldBack: Int) -> String {
        heldBack == 0 ? "" : " (\(heldBack) similar line\(heldBack == 1 ? "" : "s") held back)"
    }
}
