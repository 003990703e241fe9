/// The simulator's only source of randomness: SplitMix64 from one seed. (Never Swift's
/// `SystemRandomNumberGenerator`: a seed must replay bit for bit in any process.)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0), without modulo bias worth caring about here.
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "an empty range has no element")
        return next() % bound
    }

    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(below(UInt64(range.upperBound - range.lowerBound + 1)))
    }

    /// True with probability `perMille` / 1000.
    public mutating func chance(perMille: Int) -> Bool { Int(below(1_000)) < perMille }
}
