/// Latencies in microseconds, recorded HdrHistogram-style: log-linear buckets (each power of
/// two split into 128 linear sub-buckets), so every recorded value is kept within 1/128 (0.8 %)
/// of its true value, from 1 µs to years, in fixed memory (7,424 counters), and percentiles
/// are exact over the buckets — no sampling, no sorting. `bench network` records every
/// committed transaction's latency in one.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 7
    static let subBucketCount = 1 << subBucketBits

    private var counts = [UInt64](repeating: 0, count: (64 - subBucketBits + 1) << subBucketBits)
    public private(set) var count: UInt64 = 0
    /// Exact, not bucketed.
    public private(set) var maximum: UInt64 = 0
    public private(set) var minimum: UInt64 = .max

    public init() {}

    public mutating func record(micros value: UInt64) {
        counts[Self.index(of: value)] += 1
        count += 1
        maximum = max(maximum, value)
        minimum = min(minimum, value)
    }

    public mutating func add(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        maximum = max(maximum, other.maximum)
        minimum = min(minimum, other.minimum)
    }

    /// The value at quantile `q` (0…1): the highest value of the bucket holding the
    /// ⌈q·count⌉-th smallest recording (at most `maximum`); nil when empty.
    public func value(atQuantile q: Double) -> UInt64? {
        guard count > 0 else { return nil }
        let rank = max(1, UInt64((min(max(q, 0), 1) * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucket) in counts.enumerated() where bucket > 0 {
            seen += bucket
            if seen >= rank { return min(Self.highestValue(at: index), maximum) }
        }
        return maximum
    }

    /// Values below 128 have a bucket each; above, a value with its top bit at position
    /// e ≥ 7 falls in row e − 6, sub-bucket (value >> (e − 7)) − 128.
    static func index(of value: UInt64) -> Int {
        guard value >= UInt64(subBucketCount) else { return Int(value) }
        let top = 63 - value.leadingZeroBitCount
        let shift = top - subBucketBits
        let sub = Int(value >> UInt64(shift)) - subBucketCount
        return (shift + 1) << subBucketBits + sub
    }

    static func highestValue(at index: Int) -> UInt64 {
        let row = index >> subBucketBits
        guard row > 0 else { return UInt64(index) }
        let shift = row - 1
        let sub = UInt64(index & (subBucketCount - 1)) + UInt64(subBucketCount)
        let low = sub << UInt64(shift)
        return low + ((UInt64(1) << UInt64(shift)) - 1)
    }
}
