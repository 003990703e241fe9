import Synchronization

/// Open client-API connections and the ones the node closed for being too slow, for
/// `/metrics` and tests. Shared by every connection of one server.
public final class APIConnectionStats: Sendable {
    public struct Snapshot: Sendable, Hashable {
        /// Connections open now.
        public var open = 0
        /// Connections closed for a request head not complete in time (slowloris, or
        /// a malformed request the client never closed).
        public var headerTimeouts: UInt64 = 0
        /// Connections closed for a request body not complete in time (an endless upload).
        public var bodyTimeouts: UInt64 = 0
        /// Connections closed after a malformed request was answered with 400.
        public var malformedRequests: UInt64 = 0
        /// HTTPS connections closed for a TLS handshake not complete in time (a socket opened
        /// and left silent, or a handshake sent a byte at a time).
        public var tlsHandshakeTimeouts: UInt64 = 0
        /// Connections closed at once because their source already held its share.
        public var refusedPerSource: UInt64 = 0
        /// Submissions refused (429) because their client spent its invalid-signature budget.
        public var invalidSignatureRefusals: UInt64 = 0
    }

    private let state = Mutex(State())

    private struct State {
        var snapshot = Snapshot()
        var openBySource: [String: Int] = [:]
    }

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    func update(_ change: (inout Snapshot) -> Void) { state.withLock { change(&$0.snapshot) } }

    /// Takes a connection slot for `source` (an IP address); false, counted, when it already
    /// holds `max` open connections. A taken slot is given back with `release(_:)`.
    func admit(_ source: String, max: Int) -> Bool {
        state.withLock { state in
            let open = state.openBySource[source, default: 0]
            guard open < max else {
                state.snapshot.refusedPerSource += 1
                return false
            }
            state.openBySource[source] = open + 1
            return true
        }
    }

    func release(_ source: String) {
        state.withLock { state in
            let open = state.openBySource[source, default: 1] - 1
            state.openBySource[source] = open > 0 ? open : nil
        }
    }
}
