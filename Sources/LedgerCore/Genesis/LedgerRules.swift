/// The green-finance rules a consortium fixes in its genesis (genesis format 2): the
/// currencies it uses and upper bounds on what one transaction may claim. With them the state
/// machine also refuses what reports would otherwise miscount — a verification report attested
/// twice, a transfer to oneself, a retirement or project without a name (docs/invariants.md).
/// A genesis without them (format 1) keeps the rules its chain was made under, so a chain made
/// before they existed replays exactly as it was committed.
public struct LedgerRules: Hashable, Sendable {
    /// Currencies the ledger holds: transfers, bonds and opening balances use only these.
    public var currencies: [CurrencyRule]
    /// Most kg CO2e one attestation may claim.
    public var attestationKgMax: UInt64
    /// Most credits (kg CO2e) one issuance may create.
    public var issuanceMax: UInt64

    public init(currencies: [CurrencyRule], attestationKgMax: UInt64, issuanceMax: UInt64) {
        self.currencies = currencies
        self.attestationKgMax = attestationKgMax
        self.issuanceMax = issuanceMax
    }

    /// What `genesis init` and `testnet up` write: the currencies of the demo and of most
    /// consortia, and 10 Mt CO2e per attestation and per issuance (a large project's vintage).
    public static let standard = LedgerRules(
        currencies: ["EUR", "USD", "GBP", "CHF", "CNY", "JPY"].map { CurrencyRule(code: Identifier(stringLiteral: $0), exponent: UInt8(AmountFormat.exponent(of: $0)!)) },
        attestationKgMax: 10_000_000_000, issuanceMax: 10_000_000_000)

    public static let currenciesMax = 64
    /// ISO 4217 minor-unit exponents go up to 4.
    public static let exponentMax: UInt8 = 4

    public func currency(_ code: Identifier) -> CurrencyRule? { currencies.first { $0.code == code } }
}

/// One currency of the ledger: its ISO 4217 code and minor-unit exponent (EUR 2, JPY 0).
public struct CurrencyRule: Hashable, Sendable {
    public var code: Identifier
    public var exponent: UInt8

    public init(code: Identifier, exponent: UInt8) {
        self.code = code
        self.exponent = exponent
    }

    /// Three uppercase ASCII letters, as ISO 4217 codes are.
    public static func isCodeShaped(_ code: Identifier) -> Bool {
        code.value.utf8.count == 3 && code.value.utf8.allSatisfy { (65...90).contains($0) }
    }
}

extension LedgerRules: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(currencies, maximum: LedgerRules.currenciesMax)
        writer.write(attestationKgMax)
        writer.write(issuanceMax)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        currencies = try reader.readArray(of: CurrencyRule.self, maximum: LedgerRules.currenciesMax, "currencies")
        attestationKgMax = try reader.readUInt64("attestationKgMax")
        issuanceMax = try reader.readUInt64("issuanceMax")
    }
}

extension CurrencyRule: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(code)
        writer.write(exponent)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        code = try reader.read(Identifier.self)
        exponent = try reader.readUInt8("exponent")
    }
}

extension LedgerRules {
    /// Well-formed rules: 1…64 currencies, each code three uppercase letters and listed once,
    /// its exponent 0…4 and, for a code ISO 4217 lists (`AmountFormat.exponents`), the ISO
    /// exponent; both bounds above zero.
    public func validate() throws(LedgerError) {
        guard (1...LedgerRules.currenciesMax).contains(currencies.count) else {
            throw .invalidGenesis(field: "rules.currencies", reason: "need 1…\(LedgerRules.currenciesMax) currencies, got \(currencies.count)")
        }
        var seen: Set<Identifier> = []
        for (index, currency) in currencies.enumerated() {
            let field = "rules.currencies[\(index)]"
            guard CurrencyRule.isCodeShaped(currency.code) else {
                throw .invalidGenesis(field: "\(field).code", reason: "\"\(currency.code)\" is not an ISO 4217 code (three uppercase letters, e.g. EUR)")
            }
            guard seen.insert(currency.code).inserted else { throw .invalidGenesis(field: "\(field).code", reason: "\(currency.code) is listed twice") }
            guard currency.exponent <= LedgerRules.exponentMax else {
                throw .invalidGenesis(field: "\(field).exponent", reason: "must be 0…\(LedgerRules.exponentMax), got \(currency.exponent)")
            }
            if let iso = AmountFormat.exponent(of: currency.code.value), iso != Int(currency.exponent) {
                throw .invalidGenesis(field: "\(field).exponent", reason: "ISO 4217 gives \(currency.code) \(iso) decimals, not \(currency.exponent)")
            }
        }
        guard attestationKgMax > 0 else { throw .invalidGenesis(field: "rules.attestationKgMax", reason: "must be above zero") }
        guard issuanceMax > 0 else { throw .invalidGenesis(field: "rules.issuanceMax", reason: "must be above zero") }
    }
}
