import Testing
@testable import PeerNetwork

/// The admission rules for unauthenticated connections, on a hand-driven clock.
@Suite struct HandshakeGateTests {
    static let second: UInt64 = 1_000_000_000

    func gate(pendingMax: Int = 4, perSource: Int = 2, rate: Double = 1_000, burst: Double = 1_000,
              globalRate: Double = 1_000, globalBurst: Double = 1_000, sourcesTracked: Int = 4096) -> HandshakeGate {
        HandshakeGate(
            limits: .init(
                pendingMax: pendingMax, pendingPerSourceMax: perSource, perSourcePerSecond: rate, perSourceBurst: burst,
                globalPerSecond: globalRate, globalBurst: globalBurst, sourcesTrackedMax: sourcesTracked),
            now: 0)
    }

    @Test("a source at its bound makes room by closing its own oldest pending handshake")
    func perSourceEvictsItsOwnOldest() {
        var gate = gate(pendingMax: 10, perSource: 2)
        #expect(gate.admit(1, from: "10.0.0.9", now: 1) == .admit(evicting: nil))
        #expect(gate.admit(2, from: "10.0.0.1", now: 2) == .admit(evicting: nil))
        #expect(gate.admit(3, from: "10.0.0.9", now: 3) == .admit(evicting: nil))
        #expect(gate.admit(4, from: "10.0.0.9", now: 4) == .admit(evicting: 1))
        #expect(gate.pendingCount(from: "10.0.0.9") == 2)
        #expect(gate.pendingCount == 3)
    }

    @Test("a full table evicts the oldest pending handshake of the busiest source, never an honest newcomer")
    func fullTableEvictsTheBusiestSource() {
        var gate = gate(pendingMax: 4, perSource: 3)
        for id in 1...3 { #expect(gate.admit(id, from: "squatter", now: UInt64(id)) == .admit(evicting: nil)) }
        #expect(gate.admit(4, from: "validator-a", now: 4) == .admit(evicting: nil))
        // Full: the squatter holds 3 of 4; a newcomer from elsewhere evicts the squatter's oldest.
        #expect(gate.admit(5, from: "validator-b", now: 5) == .admit(evicting: 1))
        #expect(gate.admit(6, from: "validator-c", now: 6) == .admit(evicting: 2))
        #expect(gate.pendingCount(from: "validator-a") == 1)
        #expect(gate.pendingCount == 4)
    }

    @Test("a finished handshake frees its slot at once")
    func finishedFreesTheSlot() {
        var gate = gate(pendingMax: 2, perSource: 2)
        _ = gate.admit(1, from: "a", now: 1)
        _ = gate.admit(2, from: "a", now: 2)
        gate.finished(1)
        gate.finished(1)
        #expect(gate.pendingCount == 1)
        #expect(gate.admit(3, from: "b", now: 3) == .admit(evicting: nil))
    }

    @Test("a source dialing faster than its rate is refused before anything is read; others are not")
    func perSourceRate() {
        var gate = gate(pendingMax: 100, perSource: 100, rate: 1, burst: 3)
        for id in 1...3 { #expect(gate.admit(id, from: "fast", now: 0) == .admit(evicting: nil)) }
        #expect(gate.admit(4, from: "fast", now: 0) == .refuse(.sourceRate))
        #expect(gate.admit(5, from: "other", now: 0) == .admit(evicting: nil))
        // One token a second comes back.
        #expect(gate.admit(6, from: "fast", now: Self.second) == .admit(evicting: nil))
        #expect(gate.admit(7, from: "fast", now: Self.second) == .refuse(.sourceRate))
    }

    @Test("all sources together are bounded by the global rate")
    func globalRate() {
        var gate = gate(pendingMax: 100, perSource: 100, rate: 100, burst: 100, globalRate: 1, globalBurst: 2)
        #expect(gate.admit(1, from: "a", now: 0) == .admit(evicting: nil))
        #expect(gate.admit(2, from: "b", now: 0) == .admit(evicting: nil))
        #expect(gate.admit(3, from: "c", now: 0) == .refuse(.globalRate))
    }

    @Test("the table of source rates stays bounded: quiet sources are forgotten")
    func sourceTableBounded() {
        var gate = gate(pendingMax: 10_000, perSource: 10, rate: 1, burst: 1, sourcesTracked: 8)
        for id in 1...100 {
            _ = gate.admit(id, from: "10.0.0.\(id)", now: UInt64(id) * Self.second)
            gate.finished(id)
            #expect(gate.trackedSources <= 8)
        }
    }
}

@Suite struct LogLimiterTests {
    @Test("the first lines of a window are logged, the rest counted and reported with the next line logged")
    func limitsPerKindAndWindow() {
        var limiter = LogLimiter(linesPerWindow: 2, windowSeconds: 60)
        let second: UInt64 = 1_000_000_000
        #expect(limiter.permit("refused", now: 0) == 0)
        #expect(limiter.permit("refused", now: 1) == 0)
        #expect(limiter.permit("refused", now: 2) == nil)
        #expect(limiter.permit("refused", now: 3) == nil)
        #expect(limiter.permit("evicted", now: 4) == 0, "kinds are limited separately")
        #expect(limiter.suppressedTotal == 2)
        #expect(limiter.permit("refused", now: 61 * second) == 2)
        #expect(LogLimiter.note(2) == " (2 similar lines held back)")
        #expect(LogLimiter.note(0) == "")
    }
}
