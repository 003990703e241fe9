/// A calendar date (proleptic Gregorian, no time zone) such as a monitoring period's first
/// or last day. Canonically a UInt32 `yyyymmdd` (2025-01-31 is 20250131), so dates sort as
/// numbers and read as themselves in a hex dump; JSON and the CLI write `2025-01-31`.
public struct LedgerDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: UInt16
    public let month: UInt8
    public let day: UInt8

    public init(year: UInt16, month: UInt8, day: UInt8) throws(LedgerError) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1, day <= LedgerDate.days(inMonth: month, of: year) else {
            throw .invalidField(field: "date", reason: "\(year)-\(month)-\(day) is not a calendar date between 1900 and 9999")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(_ text: String) throws(LedgerError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = UInt16(parts[0]), let month = UInt8(parts[1]), let day = UInt8(parts[2]) else {
            throw .invalidField(field: "date", reason: "\"\(text.prefix(32))\" is not a date written YYYY-MM-DD")
        }
        try self.init(year: year, month: month, day: day)
    }

    /// `yyyymmdd`.
    public var number: UInt32 { UInt32(year) * 10_000 + UInt32(month) * 100 + UInt32(day) }

    public var description: String {
        let month = month < 10 ? "0\(month)" : "\(month)"
        let day = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(month)-\(day)"
    }

    public static func < (lhs: LedgerDate, rhs: LedgerDate) -> Bool { lhs.number < rhs.number }

    static func days(inMonth month: UInt8, of year: UInt16) -> UInt8 {
        switch month {
        case 4, 6, 9, 11: 30
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: 31
        }
    }
}

extension LedgerDate: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(number) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let number = try reader.readUInt32("date")
        // The range first: every conversion below then fits (a UInt32 above 655,359,999 would
        // trap in UInt16(number / 10_000) — a decoder must throw, never trap, on any bytes).
        guard (19_000_101...99_991_231).contains(number) else {
            throw .invalidValue(field: "date", reason: "\(number) is not a yyyymmdd calendar date between 1900 and 9999")
        }
        do {
            try self.init(year: UInt16(number / 10_000), month: UInt8((number / 100) % 100), day: UInt8(number % 100))
        } catch {
            throw .invalidValue(field: "date", reason: "\(number) is not a yyyymmdd calendar date")
        }
    }
}

/// The days a verifier's monitoring covered, first and last included. An attestation's
/// vintage (the year the reductions happened) must fall within it.
public struct MonitoringPeriod: Hashable, Sendable, CustomStringConvertible {
    public let start: LedgerDate
    public let end: LedgerDate

    public init(start: LedgerDate, end: LedgerDate) throws(LedgerError) {
        guard start <= end else {
            throw .invalidField(field: "monitoring period", reason: "it starts \(start), after it ends \(end)")
        }
        self.start = start
        self.end = end
    }

    public var description: String { "\(start)..\(end)" }

    /// True when `vintage` is one of the period's years.
    public func covers(vintage: UInt16) -> Bool { (start.year...end.year).contains(vintage) }
}

extension MonitoringPeriod: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(start)
        writer.write(end)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let start = try reader.read(LedgerDate.self)
        let end = try reader.read(LedgerDate.self)
        guard start <= end else { throw .invalidValue(field: "monitoring period", reason: "starts \(start), after it ends \(end)") }
        self.start = start
        self.end = end
    }
}
