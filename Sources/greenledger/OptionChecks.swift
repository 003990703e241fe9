import ArgumentParser
import Foundation

/// Checks of numeric options, run in `validate()` before a command does anything: every
/// refusal is one sentence naming the option, the value and what is allowed (exit status 64).
enum OptionCheck {
    /// A duration in seconds: a finite number in `range` (not NaN, not infinite, not negative).
    static func seconds(_ value: Double, _ flag: String, in range: ClosedRange<Double>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(flag) \(value) is not a number of seconds from \(format(range.lowerBound)) to \(format(range.upperBound))")
        }
    }

    /// A count in `range`.
    static func count(_ value: Int, _ flag: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) \(value) is out of range: give \(range.lowerBound)…\(range.upperBound)")
        }
    }

    /// The first of `count` consecutive TCP ports: all of them within 1…65535.
    static func basePort(_ value: Int, _ flag: String, count: Int) throws {
        guard value >= 1, value <= 65_536 - max(count, 1) else {
            throw ValidationError("\(flag) \(value) leaves no room for \(count) port\(count == 1 ? "" : "s") (ports are 1…65535; give at most \(65_536 - max(count, 1)))")
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// Whole-number options (amounts in minor units, quantities, serials) parsed with a message
/// that says what to type: `--amount 12.50` → "whole minor units, e.g. 1250 for 12.50".
/// Declared with `parsing: .unconditional` so that `-5` reaches the parser instead of being
/// taken for an option name ("Missing value").
enum WholeNumber {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// Minor units of a currency (cents for EUR): a whole number above zero.
    static func minorUnits(_ text: String) throws -> UInt64 {
        try parse(text, unit: "minor units of the currency (cents for EUR)", example: "1250 for EUR 12.50", allowZero: false)
    }

    /// A whole number of credits, kilograms or months, above zero.
    static func positive(_ text: String) throws -> UInt64 {
        try parse(text, unit: "a whole number", example: "5000", allowZero: false)
    }


    /// A year of monitoring (vintage).
    static func vintage(_ text: String) throws -> UInt16 {
        let value = try parse(text, unit: "a year", example: "2025", allowZero: false)
        guard let year = UInt16(exactly: value) else { throw Refusal(description: "not a year; give a year, e.g. 2025") }
        return year
    }

    /// A sequence number (0 for the first).
    static func sequence(_ text: String) throws -> UInt32 {
        let value = try parse(text, unit: "a sequence number", example: "0", allowZero: true)
        guard let sequence = UInt32(exactly: value) else { throw Refusal(description: "a sequence number is at most \(UInt32.max)") }
        return sequence
    }

    /// A term in months, 1…1200.
    static func months(_ text: String) throws -> UInt16 {
        let value = try parse(text, unit: "a number of months", example: "60", allowZero: false)
        guard value <= 1_200 else { throw Refusal(description: "a term is 1…1200 months") }
        return UInt16(value)
    }

    private static func parse(_ text: String, unit: String, example: String, allowZero: Bool) throws -> UInt64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-") {
            throw Refusal(description: "negative; give \(unit)\(allowZero ? "" : " above zero"), e.g. \(example)")
        }
        if trimmed.contains(".") || trimmed.contains(",") {
            throw Refusal(description: "not a whole number; give \(unit) without a decimal point or separators, e.g. \(example)")
        }
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Refusal(description: "not a whole number; give \(unit), e.g. \(example)")
        }
        guard let value = UInt64(trimmed) else { throw Refusal(description: "too large; at most \(UInt64.max)") }
        guard allowZero || value > 0 else { throw Refusal(description: "zero; give \(unit) above zero, e.g. \(example)") }
        return value
    }
}
