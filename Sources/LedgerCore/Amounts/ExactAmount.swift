/// A non-negative amount for totals and reports — minor units of a currency or kg CO2e — held
/// in 128 bits, so a sum of 64-bit ledger amounts is exact and never saturates. In JSON it is
/// a string of decimal digits (`"250012500"`): beyond 2^53 a JSON number is not read exactly
/// by every client, and one type for every amount keeps the outputs uniform.
public struct ExactAmount: Hashable, Sendable, Comparable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var value: UInt128

    public init(_ value: UInt128) { self.value = value }
    public init(_ value: UInt64) { self.value = UInt128(value) }
    public init(integerLiteral value: UInt64) { self.value = UInt128(value) }

    public static let zero = ExactAmount(UInt128(0))

    /// The decimal digits, without grouping: `250012500`.
    public var description: String { String(value) }

    /// The value when it fits a ledger amount.
    public var uint64: UInt64? { UInt64(exactly: value) }

    public static func < (lhs: ExactAmount, rhs: ExactAmount) -> Bool { lhs.value < rhs.value }

    /// Exact: the sum of fewer than 2^64 ledger amounts fits 128 bits.
    public static func + (lhs: ExactAmount, rhs: ExactAmount) -> ExactAmount { ExactAmount(lhs.value + rhs.value) }
    public static func += (lhs: inout ExactAmount, rhs: ExactAmount) { lhs.value += rhs.value }
    public static func += (lhs: inout ExactAmount, rhs: UInt64) { lhs.value += UInt128(rhs) }

    /// `lhs − rhs`, or zero when `rhs` is larger.
    public func subtractingClamped(_ other: ExactAmount) -> ExactAmount { other.value >= value ? .zero : ExactAmount(value - other.value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt128(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "an amount is a string of decimal digits, got \"\(text.prefix(40))\"")
            }
            self.value = value
        } else {
            self.value = UInt128(try container.decode(UInt64.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Sequence where Element == ExactAmount {
    /// The exact sum.
    public func sum() -> ExactAmount { reduce(.zero, +) }
}
