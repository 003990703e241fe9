import NIOCore

/// A validator the node has proof against (it signed messages carrying invalid transaction
/// signatures) is cut off for a while: its link is closed, it is not dialed, and its
/// handshakes are refused until the suspension ends.
extension ConnectionManager {
    func suspend(_ index: Int, forNanoseconds duration: UInt64, reason: String) {
        loop.assertInEventLoop()
        guard lifecycle == .running else { return }
        let until = Self.nowNanos + duration
        links[index].suspendedUntilNanos = max(links[index].suspendedUntilNanos ?? 0, until)
        links[index].suspensionReason = reason
        counters.suspensions += 1
        logger.error("suspending \(links[index].identity) for \(duration / 1_000_000_000) s: \(reason)")
        links[index].dialTask?.cancel()
        links[index].dialTask = nil
        if let active = links[index].active {
            active.closeReason = "suspended by this node: \(reason)"
            active.channel.close(promise: nil)
        }
        scheduleDial(index)
    }

    /// Nanoseconds left of `index`'s suspension, or nil when it is not suspended.
    func suspensionLeft(_ index: Int) -> UInt64? {
        guard let until = links[index].suspendedUntilNanos else { return nil }
        let now = Self.nowNanos
        guard until > now else {
            links[index].suspendedUntilNanos = nil
            links[index].suspensionReason = nil
            return nil
        }
        return until - now
    }
}
