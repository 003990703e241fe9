/// The one way GreenLedger shows amounts to people: money in major units with as many decimals
/// as the currency's ISO 4217 minor-unit exponent, grouped by thousands, then the code
/// (`2,500,125.00 EUR`, `1,500,000 JPY`); reductions and credits as `5,000 kg CO2e`. Programs
/// read JSON instead, where every amount is a decimal string of minor units (`ExactAmount`).
public enum AmountFormat {
    /// ISO 4217 minor-unit exponents of the currencies a consortium is likely to use. A code
    /// not listed has no known exponent and is shown in minor units, saying so.
    public static let exponents: [String: Int] = [
        "AED": 2, "ARS": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "COP": 2, "CZK": 2,
        "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "JOD": 3,
        "JPY": 0, "KES": 2, "KRW": 0, "KWD": 3, "MAD": 2, "MXN": 2, "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2, "OMR": 3,
        "PEN": 2, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3,
        "TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "VND": 0, "XOF": 0, "ZAR": 2,
        // Every other ISO 4217 code whose exponent is not 2.
        "BIF": 0, "DJF": 0, "GNF": 0, "KMF": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VUV": 0, "XAF": 0, "XPF": 0,
        "IQD": 3, "LYD": 3, "CLF": 4, "UYW": 4,
    ]

    /// The minor-unit exponent of `currency`, nil when it is not an ISO 4217 code listed here.
    public static func exponent(of currency: String) -> Int? { exponents[currency] }

    /// `minor` units of `currency` for people: `2,500,125.00 EUR`; for a code without a known
    /// exponent, `250012500 minor units of XYZ`.
    public static func money(_ minor: ExactAmount, _ currency: String) -> String {
        guard let exponent = exponent(of: currency) else { return "\(grouped(minor.description)) minor units of \(currency)" }
        return "\(major(minor, exponent: exponent)) \(currency)"
    }

    public static func money(_ minor: UInt64, _ currency: String) -> String { money(ExactAmount(minor), currency) }

    /// Minor units as a major-unit number without the code: `2,500,125.00` (exponent 2).
    public static func major(_ minor: ExactAmount, exponent: Int) -> String {
        var digits = minor.description
        guard exponent > 0 else { return grouped(digits) }
        if digits.count <= exponent { digits = String(repeating: "0", count: exponent - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -exponent)
        return grouped(String(digits[..<split])) + "." + digits[split...]
    }

    /// Kilograms of CO2e (reductions, credits: 1 credit = 1 kg): `5,000 kg CO2e`.
    public static func kg(_ quantity: ExactAmount) -> String { "\(grouped(quantity.description)) kg CO2e" }
    public static func kg(_ quantity: UInt64) -> String { kg(ExactAmount(quantity)) }

    /// Decimal digits grouped by thousands with commas: `1234567` → `1,234,567`.
    public static func grouped(_ digits: String) -> String {
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
