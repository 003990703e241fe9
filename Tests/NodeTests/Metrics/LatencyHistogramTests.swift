@testable import Node
import Testing

@Suite("Latency histogram")
struct LatencyHistogramTests {
    @Test("percentiles of 1…10,000 µs are within the bucket precision of the true ranks")
    func percentiles() throws {
        var histogram = LatencyHistogram()
        for value in (1...10_000).reversed() { histogram.record(micros: UInt64(value)) }
        #expect(histogram.count == 10_000)
        #expect(histogram.minimum == 1 && histogram.maximum == 10_000)
        for (quantile, truth) in [(0.5, 5_000.0), (0.9, 9_000.0), (0.99, 9_900.0)] {
            let value = Double(try #require(histogram.value(atQuantile: quantile)))
            #expect(value >= truth && value <= truth * (1 + 1.0 / 128), "q \(quantile): \(value)")
        }
        #expect(histogram.value(atQuantile: 1) == 10_000)
        #expect(histogram.value(atQuantile: 0) == 1)
    }

    @Test("small values are exact; huge values do not overflow; empty has no percentile")
    func edges() {
        var histogram = LatencyHistogram()
        #expect(histogram.value(atQuantile: 0.5) == nil)
        for value in [0, 3, 127] as [UInt64] { histogram.record(micros: value) }
        #expect(histogram.value(atQuantile: 0.5) == 3)
        histogram.record(micros: .max)
        #expect(histogram.value(atQuantile: 1) == .max)
        for value: UInt64 in [128, 129, 255, 256, 1 << 40, .max - 1] {
            let index = LatencyHistogram.index(of: value)
            let high = LatencyHistogram.highestValue(at: index)
            #expect(high >= value && Double(high - value) <= Double(value) / 128, "\(value) → \(high)")
        }
    }

    @Test("two histograms added equal one that recorded both")
    func adding() {
        var left = LatencyHistogram(), right = LatencyHistogram(), both = LatencyHistogram()
        for value in stride(from: 1, to: 50_000, by: 7) as StrideTo<UInt64> {
            if value % 2 == 0 { left.record(micros: value) } else { right.record(micros: value) }
            both.record(micros: value)
        }
        left.add(right)
        #expect(left == both)
    }
}
