import Foundation
import LedgerCrypto

/// Genesis as the JSON file people write and ship (`genesis/*.json`). Parsing is strict:
/// unknown fields are refused, and every error names the field it is about.
extension Genesis {
    public init(jsonData data: Data) throws(LedgerError) {
        guard data.count <= Limits.genesisSizeMaxBytes else {
            throw .invalidGenesis(field: "(file)", reason: "larger than \(Limits.genesisSizeMaxBytes) bytes")
        }
        let document: GenesisDocument
        do {
            document = try JSONDecoder().decode(GenesisDocument.self, from: data)
        } catch let error as DecodingError {
            throw .invalidGenesis(field: error.fieldPath, reason: error.reason)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .invalidGenesis(field: "(file)", reason: "\(error)")
        }
        self = try document.genesis()
        try validate()
    }

    public init(contentsOfFile path: String) throws(LedgerError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .invalidGenesis(field: "(file)", reason: "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(jsonData: data)
    }

    /// Pretty, key-sorted JSON that `init(jsonData:)` reads back to an equal genesis.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return try! encoder.encode(GenesisDocument(self))
    }
}

struct GenesisDocument: Codable {
    var chainID: String
    var genesisTimeMillis: UInt64
    var validators: [ValidatorDocument]
    var members: [MemberDocument]
    var balances: [BalanceDocument]
    var consensus: ConsensusDocument
    /// Present in a format-2 genesis: the consortium's currencies and bounds.
    var rules: RulesDocument?

    struct RulesDocument: Codable {
        struct Currency: Codable {
            var code: String
            var exponent: UInt8
            enum CodingKeys: String, CodingKey, CaseIterable { case code, exponent }
            init(code: String, exponent: UInt8) { (self.code, self.exponent) = (code, exponent) }
            init(from decoder: any Decoder) throws {
                let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
                code = try container.decode(String.self, forKey: .code)
                exponent = try container.decodeWholeNumber(UInt8.self, forKey: .exponent)
            }
        }
        var currencies: [Currency]
        var attestationKgMax: UInt64
        var issuanceMax: UInt64
        enum CodingKeys: String, CodingKey, CaseIterable { case currencies, attestationKgMax, issuanceMax }
        init(_ rules: LedgerRules) {
            currencies = rules.currencies.map { Currency(code: $0.code.value, exponent: $0.exponent) }
            attestationKgMax = rules.attestationKgMax
            issuanceMax = rules.issuanceMax
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            currencies = try container.decode([Currency].self, forKey: .currencies)
            attestationKgMax = try container.decodeWholeNumber(UInt64.self, forKey: .attestationKgMax)
            issuanceMax = try container.decodeWholeNumber(UInt64.self, forKey: .issuanceMax)
        }
    }

    struct ValidatorDocument: Codable {
        var name: String
        var publicKey: String
        var host: String
        var port: UInt16
        enum CodingKeys: String, CodingKey, CaseIterable { case name, publicKey, host, port }
        init(name: String, publicKey: String, host: String, port: UInt16) {
            (self.name, self.publicKey, self.host, self.port) = (name, publicKey, host, port)
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            publicKey = try container.decode(String.self, forKey: .publicKey)
            host = try container.decode(String.self, forKey: .host)
            port = try container.decodeWholeNumber(UInt16.self, forKey: .port)
        }
    }

    struct MemberDocument: Codable {
        var name: String
        var publicKey: String
        var roles: [String]
        enum CodingKeys: String, CodingKey, CaseIterable { case name, publicKey, roles }
        init(name: String, publicKey: String, roles: [String]) {
            (self.name, self.publicKey, self.roles) = (name, publicKey, roles)
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            publicKey = try container.decode(String.self, forKey: .publicKey)
            roles = try container.decode([String].self, forKey: .roles)
        }
    }

    struct BalanceDocument: Codable {
        var member: String
        var currency: String
        var amount: UInt64
        enum CodingKeys: String, CodingKey, CaseIterable { case member, currency, amount }
        init(member: String, currency: String, amount: UInt64) {
            (self.member, self.currency, self.amount) = (member, currency, amount)
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            member = try container.decode(String.self, forKey: .member)
            currency = try container.decode(String.self, forKey: .currency)
            amount = try container.decodeWholeNumber(UInt64.self, forKey: .amount)
        }
    }

    struct ConsensusDocument: Codable {
        var batchSizeMax: UInt32
        var checkpointInterval: UInt32
        var stateRootLag: UInt32
        var watermarkWindow: UInt32
        var tickMillis: UInt32
        var viewTimeoutTicks: UInt32
        var viewTimeoutMaxTicks: UInt32
        var clockSkewMaxMillis: UInt64
        enum CodingKeys: String, CodingKey, CaseIterable {
            case batchSizeMax, checkpointInterval, stateRootLag, watermarkWindow, tickMillis, viewTimeoutTicks,
                viewTimeoutMaxTicks, clockSkewMaxMillis
        }
        init(_ parameters: ConsensusParameters) {
            batchSizeMax = parameters.batchSizeMax
            checkpointInterval = parameters.checkpointInterval
            stateRootLag = parameters.stateRootLag
            watermarkWindow = parameters.watermarkWindow
            tickMillis = parameters.tickMillis
            viewTimeoutTicks = parameters.viewTimeoutTicks
            viewTimeoutMaxTicks = parameters.viewTimeoutMaxTicks
            clockSkewMaxMillis = parameters.clockSkewMaxMillis
        }
        init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            batchSizeMax = try container.decodeWholeNumber(UInt32.self, forKey: .batchSizeMax)
            checkpointInterval = try container.decodeWholeNumber(UInt32.self, forKey: .checkpointInterval)
            stateRootLag = try container.decodeWholeNumber(UInt32.self, forKey: .stateRootLag)
            watermarkWindow = try container.decodeWholeNumber(UInt32.self, forKey: .watermarkWindow)
            tickMillis = try container.decodeWholeNumber(UInt32.self, forKey: .tickMillis)
            viewTimeoutTicks = try container.decodeWholeNumber(UInt32.self, forKey: .viewTimeoutTicks)
            viewTimeoutMaxTicks = try container.decodeWholeNumber(UInt32.self, forKey: .viewTimeoutMaxTicks)
            clockSkewMaxMillis = try container.decodeWholeNumber(UInt64.self, forKey: .clockSkewMaxMillis)
        }
        var parameters: ConsensusParameters {
            ConsensusParameters(
                batchSizeMax: batchSizeMax, checkpointInterval: checkpointInterval, stateRootLag: stateRootLag,
                watermarkWindow: watermarkWindow, tickMillis: tickMillis, viewTimeoutTicks: viewTimeoutTicks,
                viewTimeoutMaxTicks: viewTimeoutMaxTicks, clockSkewMaxMillis: clockSkewMaxMillis)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case chainID, genesisTimeMillis, validators, members, balances, consensus, rules
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        chainID = try container.decode(String.self, forKey: .chainID)
        genesisTimeMillis = try container.decodeWholeNumber(UInt64.self, forKey: .genesisTimeMillis)
        validators = try container.decode([ValidatorDocument].self, forKey: .validators)
        members = try container.decode([MemberDocument].self, forKey: .members)
        balances = try container.decodeIfPresent([BalanceDocument].self, forKey: .balances) ?? []
        consensus = try container.decode(ConsensusDocument.self, forKey: .consensus)
        rules = try container.decodeIfPresent(RulesDocument.self, forKey: .rules)
    }

    init(_ genesis: Genesis) {
        chainID = genesis.chainID.value
        genesisTimeMillis = genesis.genesisTimeMillis
        validators = genesis.validators.map {
            ValidatorDocument(name: $0.name.value, publicKey: $0.publicKey.hex, host: $0.host, port: $0.port)
        }
        members = genesis.members.map { MemberDocument(name: $0.name.value, publicKey: $0.publicKey.hex, roles: $0.roles.map(\.name)) }
        balances = genesis.balances.map { BalanceDocument(member: $0.member.value, currency: $0.currency.value, amount: $0.amount) }
        consensus = ConsensusDocument(genesis.consensus)
        rules = genesis.rules.map(RulesDocument.init)
    }

    func genesis() throws(LedgerError) -> Genesis {
        func identifier(_ text: String, _ field: String) throws(LedgerError) -> Identifier {
            do { return try Identifier(text) } catch {
                throw .invalidGenesis(field: field, reason: "\"\(text.prefix(80))\" is not 1…64 characters of A–Z a–z 0–9 . _ : -")
            }
        }
        func key(_ hex: String, _ field: String) throws(LedgerError) -> PublicKey {
            do { return try PublicKey(hex: hex) } catch {
                throw .invalidGenesis(field: field, reason: "\(error) (expected 66 hex digits of a compressed P-256 key)")
            }
        }
        var validatorInfos: [ValidatorInfo] = []
        for (index, validator) in validators.enumerated() {
            let field = "validators[\(index)]"
            validatorInfos.append(ValidatorInfo(
                name: try identifier(validator.name, "\(field).name"), publicKey: try key(validator.publicKey, "\(field).publicKey"),
                host: validator.host, port: validator.port))
        }
        var memberList: [Member] = []
        for (index, member) in members.enumerated() {
            let field = "members[\(index)]"
            var roles: [Role] = []
            for (roleIndex, name) in member.roles.enumerated() {
                guard let role = Role(name: name) else {
                    throw .invalidGenesis(
                        field: "\(field).roles[\(roleIndex)]",
                        reason: "unknown role \"\(name.prefix(40))\"; one of: \(Role.allCases.map(\.name).joined(separator: ", "))")
                }
                roles.append(role)
            }
            memberList.append(Member(
                name: try identifier(member.name, "\(field).name"), publicKey: try key(member.publicKey, "\(field).publicKey"),
                roles: roles))
        }
        var balanceList: [InitialBalance] = []
        for (index, balance) in balances.enumerated() {
            let field = "balances[\(index)]"
            balanceList.append(InitialBalance(
                member: try identifier(balance.member, "\(field).member"),
                currency: try identifier(balance.currency, "\(field).currency"), amount: balance.amount))
        }
        var ledgerRules: LedgerRules?
        if let rules {
            var currencies: [CurrencyRule] = []
            for (index, currency) in rules.currencies.enumerated() {
                currencies.append(CurrencyRule(code: try identifier(currency.code, "rules.currencies[\(index)].code"), exponent: currency.exponent))
            }
            ledgerRules = LedgerRules(currencies: currencies, attestationKgMax: rules.attestationKgMax, issuanceMax: rules.issuanceMax)
        }
        return Genesis(
            chainID: try identifier(chainID, "chainID"), genesisTimeMillis: genesisTimeMillis, validators: validatorInfos,
            members: memberList, balances: balanceList, consensus: consensus.parameters, rules: ledgerRules)
    }
}

/// A coding key for reading whatever keys an object has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// A keyed container that refuses keys outside `Key.allCases`: a misspelt field in a
    /// genesis must not be silently ignored.
    func strictContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let known = Set(Key.allCases.map(\.stringValue))
        let any = try container(keyedBy: AnyCodingKey.self)
        if let unknown = any.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
                debugDescription: "unknown field; expected one of: \(known.sorted().joined(separator: ", "))"))
        }
        return try container(keyedBy: type)
    }
}

extension KeyedDecodingContainer {
    /// A whole number in `T`'s range. Foundation reports a negative, fractional or too large
    /// number only as "not valid JSON" with no field; this names the field and the rule.
    func decodeWholeNumber<T: FixedWidthInteger & Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        do { return try decode(T.self, forKey: key) } catch {
            // (Foundation throws its internal `numberIsNotRepresentableInSwift` here, not a DecodingError.)
            if case .typeMismatch? = error as? DecodingError { throw error }
            if case .keyNotFound? = error as? DecodingError { throw error }
            let rule = "must be a whole number from \(T.min) to \(T.max)"
            let found: String
            if let value = try? decode(Int64.self, forKey: key) {
                found = value < 0 ? "\(value) is negative" : "\(value) is too large"
            } else if let value = try? decode(Double.self, forKey: key) {
                found = value == value.rounded() ? "\(value) is too large" : "\(value) is not a whole number (amounts are minor units, e.g. 1250 for EUR 12.50)"
            } else {
                throw error
            }
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "\(found); it \(rule)"))
        }
    }
}

extension DecodingError {
    /// `validators[2].publicKey`-style path of the field the error is about.
    var fieldPath: String {
        let path: [any CodingKey]
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
        @unknown default:
            path = []
        }
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(document)" : text
    }

    var reason: String {
        switch self {
        case .typeMismatch(let type, let context): "expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, _): "missing \(type) value"
        case .keyNotFound: "required field is missing"
        case .dataCorrupted(let context):
            context.underlyingError.map { "\(context.debugDescription) (\($0.localizedDescription))" } ?? context.debugDescription
        @unknown default: "undecodable"
        }
    }
}
