/// Polls `condition` every 10 ms until it holds, or fails the test after `timeout` (bounded
/// by the deadline, never a bare sleep).
func waitUntil(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    if try await condition() { return }
    throw NodeTestTimeout(what: what, timeout: timeout)
}

struct NodeTestTimeout: Error, CustomStringConvertible {
    let what: String
    let timeout: Duration
    var description: String { "timed out after \(timeout) waiting for \(what)" }
}
