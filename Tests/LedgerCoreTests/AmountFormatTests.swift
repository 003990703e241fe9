import Foundation
import LedgerCore
import Testing

/// One amount format: major units per the currency's ISO 4217 exponent for people, decimal
/// strings of minor units in JSON, exact beyond 64 bits.
@Suite("amount format")
struct AmountFormatTests {
    @Test("money in major units with the currency's own number of decimals, grouped by thousands")
    func money() {
        #expect(AmountFormat.money(UInt64(250_012_500), "EUR") == "2,500,125.00 EUR")
        #expect(AmountFormat.money(UInt64(5), "EUR") == "0.05 EUR")
        #expect(AmountFormat.money(UInt64(0), "USD") == "0.00 USD")
        #expect(AmountFormat.money(UInt64(1_500_000), "JPY") == "1,500,000 JPY")
        #expect(AmountFormat.money(UInt64(1_234_567), "KWD") == "1,234.567 KWD")
        #expect(AmountFormat.money(UInt64(999), "CNY") == "9.99 CNY")
    }

    @Test("a code without a known exponent is shown in minor units, saying so")
    func unknownCurrency() {
        #expect(AmountFormat.exponent(of: "eur") == nil)
        #expect(AmountFormat.money(UInt64(250_000), "eur") == "250,000 minor units of eur")
    }

    @Test("quantities of CO2e, and totals beyond 2^64 printed exactly")
    func exactTotals() {
        #expect(AmountFormat.kg(UInt64(5_000)) == "5,000 kg CO2e")
        let total = [ExactAmount(UInt64.max), ExactAmount(UInt64.max), ExactAmount(2)].sum()
        #expect(total.description == "36893488147419103232")
        #expect(AmountFormat.kg(total) == "36,893,488,147,419,103,232 kg CO2e")
        #expect(AmountFormat.money(total, "EUR") == "368,934,881,474,191,032.32 EUR")
        #expect(ExactAmount(3).subtractingClamped(ExactAmount(5)) == .zero)
    }

    @Test("JSON: a decimal string of minor units, read back exactly; malformed strings refused")
    func json() throws {
        struct Line: Codable, Equatable { var amount: ExactAmount }
        let big = Line(amount: ExactAmount(UInt128(UInt64.max) + 1))
        let data = try JSONEncoder().encode(big)
        #expect(String(decoding: data, as: UTF8.self) == #"{"amount":"18446744073709551616"}"#)
        #expect(try JSONDecoder().decode(Line.self, from: data) == big)
        #expect(try JSONDecoder().decode(Line.self, from: Data(#"{"amount":42}"#.utf8)) == Line(amount: 42))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Line.self, from: Data(#"{"amount":"-5"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Line.self, from: Data(#"{"amount":"12.50"}"#.utf8)) }
    }
}
