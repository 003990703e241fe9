/// A condition that did not hold by its deadline.
struct WaitTimedOut: Error, CustomStringConvertible {
    let what: String
    let timeout: Duration
    var description: String { "timed out after \(timeout) waiting for \(what)" }
}

/// Polls `condition` every `pollInterval` until it holds or `timeout` passes; throws on
/// timeout. Deadlines are generous (a loaded 2-core machine), conditions normally hold in
/// milliseconds, and the loop is bounded by the deadline.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(20), pollInterval: Duration = .milliseconds(10),
    condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: pollInterval)
    }
    if try await condition() { return }
    throw WaitTimedOut(what: what, timeout: timeout)
}
