import Testing
@testable import PeerNetwork

/// A small deterministic generator (SplitMix64), so jitter bounds are checked on fixed draws.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct BackoffPolicyTests {
    let policy = BackoffPolicy(delayInitial: .milliseconds(100), delayMax: .seconds(5))

    @Test func doublesUntilTheCap() {
        let bases = (1...10).map { policy.baseDelayNanoseconds(failures: $0) / 1_000_000 }
        #expect(bases == [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000])
    }

    @Test func neverOverflowsOnHugeFailureCounts() {
        #expect(policy.baseDelayNanoseconds(failures: Int.max) == 5_000_000_000)
        let wide = BackoffPolicy(delayInitial: .seconds(1_000_000), delayMax: .seconds(Int64.max / 2))
        #expect(wide.baseDelayNanoseconds(failures: 64) > 0)
    }

    @Test func jitterStaysInTheUpperHalf() {
        var generator = SeededGenerator(state: 42)
        for failures in 1...12 {
            let base = policy.baseDelayNanoseconds(failures: failures)
            var draws = Set<Int64>()
            for _ in 0..<200 {
                let delay = policy.delayNanoseconds(failures: failures, using: &generator)
                #expect(delay >= base / 2 && delay <= base)
                draws.insert(delay)
            }
            #expect(draws.count > 100, "jitter must spread retries, got \(draws.count) distinct delays")
        }
    }
}
