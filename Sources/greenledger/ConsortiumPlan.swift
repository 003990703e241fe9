import Foundation
import LedgerCore
import LedgerCrypto
import Storage

/// A consortium to create: validators on consecutive ports (on one host, or one host each) and
/// members with roles and opening balances. `write(to:)` creates the genesis and one key file
/// per validator and member, refusing before writing anything if a genesis is already there.
struct ConsortiumPlan {
    let validators: Int
    let chainID: Identifier
    /// Validator i's host.
    let hosts: [String]
    let basePort: Int
    let members: [MemberSpec]
    let balances: [BalanceSpec]
    /// The green-finance rules written into the genesis (format 2).
    let rules: LedgerRules

    /// `validatorHosts`: empty (every validator on `host`) or one host per validator, in order.
    init(
        validators: Int, chainID: String, host: String, validatorHosts: [String] = [], basePort: Int,
        members: [String], balances: [String], extraCurrencies: [String] = []
    ) throws {
        guard (1...Limits.validatorsMax).contains(validators) else {
            throw CLIError("--validators must be 1…\(Limits.validatorsMax)")
        }
        guard basePort > 0, basePort + validators - 1 <= 65_535 else { throw CLIError("--base-port leaves no room for \(validators) ports") }
        do { self.chainID = try Identifier(chainID) } catch { throw CLIError("--chain-id: \(error)") }
        self.validators = validators
        guard validatorHosts.isEmpty || validatorHosts.count == validators else {
            throw CLIError("--validator-host given \(validatorHosts.count) times for \(validators) validators: give it once per validator, in order, or not at all")
        }
        if let empty = validatorHosts.firstIndex(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw CLIError("--validator-host for validator \(empty) is empty or contains a space")
        }
        self.hosts = validatorHosts.isEmpty ? Array(repeating: host, count: validators) : validatorHosts
        self.basePort = basePort
        self.members = try members.map(MemberSpec.init(parsing:))
        self.balances = try balances.map(BalanceSpec.init(parsing:))
        var rules = LedgerRules.standard
        for text in extraCurrencies {
            let currency = try CurrencySpec.parse(text)
            rules.currencies.removeAll { $0.code == currency.code }
            rules.currencies.append(currency)
        }
        self.rules = rules
    }

    struct Created {
        let genesis: Genesis
        let genesisPath: String
        let keysDirectory: String
    }

    func write(to directory: String) throws -> Created {
        let keysDirectory = URL(fileURLWithPath: directory).appendingPathComponent("keys").path
        let path = URL(fileURLWithPath: directory).appendingPathComponent("genesis.json")
        // Everything is built and checked in memory first, and every file to write is checked to
        // be absent: a refused plan writes nothing, so the corrected command can run as is.
        guard !FileManager.default.fileExists(atPath: path.path) else {
            throw CLIError("\(path.path) already exists; refusing to overwrite a genesis (choose another directory)")
        }
        var keys: [(path: String, key: SigningKey)] = []
        var validatorInfos: [ValidatorInfo] = []
        for index in 0..<validators {
            let key = try SigningKey()
            let name = "validator-\(index)"
            keys.append(("\(keysDirectory)/\(name).pem", key))
            validatorInfos.append(ValidatorInfo(name: try Identifier(name), publicKey: key.publicKey, host: hosts[index], port: UInt16(basePort + index)))
        }
        var memberList: [Member] = []
        for spec in members {
            let key = try SigningKey()
            keys.append(("\(keysDirectory)/\(spec.name).pem", key))
            memberList.append(Member(name: spec.name, publicKey: key.publicKey, roles: spec.roles))
        }
        let genesis = Genesis(
            chainID: chainID, genesisTimeMillis: UInt64(Date().timeIntervalSince1970 * 1_000),
            validators: validatorInfos, members: memberList,
            balances: balances.map { InitialBalance(member: $0.member, currency: $0.currency, amount: $0.amount) },
            consensus: ConsensusParameters(), rules: rules)
        do { try genesis.validate() } catch { throw CLIError("the consortium is not valid, nothing was written: \(error)") }
        if let existing = keys.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            throw CLIError("\(existing.path) already exists; refusing to overwrite a key file, nothing was written (move it away or choose another directory)")
        }
        for (keyPath, key) in keys { try KeyFiles.writePrivateKey(key, to: keyPath) }
        try genesis.jsonData().write(to: path)
        try FileModes.set(FileModes.sharedFile, at: path.path)
        return Created(genesis: genesis, genesisPath: path.path, keysDirectory: keysDirectory)
    }
}

/// `--currency CODE:EXPONENT`: a currency the ledger will hold, with its ISO 4217 minor-unit
/// exponent (SEK:2, KRW:0).
enum CurrencySpec {
    static func parse(_ text: String) throws -> CurrencyRule {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, let exponent = UInt8(parts[1]), let code = try? Identifier(parts[0]), CurrencyRule.isCodeShaped(code),
            exponent <= LedgerRules.exponentMax
        else {
            throw CLIError("--currency \(text): expected CODE:EXPONENT with an ISO 4217 code and its minor-unit exponent 0…\(LedgerRules.exponentMax), e.g. SEK:2 or KRW:0")
        }
        return CurrencyRule(code: code, exponent: exponent)
    }
}
