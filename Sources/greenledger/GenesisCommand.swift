import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Storage

struct GenesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genesis",
        abstract: "Create or inspect a consortium's genesis file.",
        subcommands: [Initialize.self, Show.self]
    )

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a valid genesis.json and a key file for every validator and member.",
            discussion: """
                Validators listen on --host from --base-port upward; on separate machines give \
                --validator-host once per validator, in order. Members are NAME:ROLE[+ROLE…] \
                (roles: registry, verifier, issuer, participant, auditor); without --member a demo \
                consortium is created. Balances are NAME:CURRENCY:MINOR_UNITS.

                Example:
                  greenledger genesis init --validators 4 --out ./consortium \\
                    --member cn-registry:registry --member tuv-verifier:verifier \\
                    --member green-bank:participant --balance green-bank:EUR:1000000000
                """
        )

        @Option(help: "Number of validators: n tolerates f = ⌊(n − 1) / 3⌋ faulty ones (4 → 1, 7 → 2); the quorum is ⌈(n + f + 1) / 2⌉. Fewer than 4 tolerate none (warned).")
        var validators: Int = 4

        @Option(help: "Directory for genesis.json and keys/ (created; existing key files are not overwritten).")
        var out: String

        @Option(help: "The chain id (1–64 characters of A–Z a–z 0–9 . _ : -).")
        var chainID: String = "greenledger-local"

        @Option(help: "Host validators listen on.")
        var host: String = "127.0.0.1"

        @Option(name: .customLong("validator-host"), help: "Validator i's host (an address or name its peers can reach); repeat once per validator, in order. Overrides --host.")
        var validatorHosts: [String] = []

        @Option(help: "Peer port of validator 0; validator i uses base-port + i.")
        var basePort: Int = 7100

        @Option(help: "Client API port of validator 0 in the node.json files written; validator i uses base + i.")
        var apiBasePort: Int = 8100

        @Option(help: "Address each validator's client API listens on (node.json's apiHost).")
        var apiHost: String = "127.0.0.1"

        @Option(name: .customLong("member"), help: "A member as NAME:ROLE[+ROLE…]; repeat for each.")
        var members: [String] = []

        @Option(name: .customLong("balance"), help: "An opening balance as NAME:CURRENCY:MINOR_UNITS; repeat for each.")
        var balances: [String] = []

        @Option(name: .customLong("currency"), help: ArgumentHelp(
            "A currency the ledger holds besides EUR, USD, GBP, CHF, CNY, JPY, as CODE:EXPONENT (ISO 4217 code and minor-unit exponent, e.g. SEK:2); repeat for each.",
            valueName: "code:exponent"))
        var currencies: [String] = []

        @Flag(help: "Print JSON: the genesis as `genesis show --json` prints it, with the key files and validator homes written.")
        var json = false

        struct Created: Encodable {
            var genesisFile: String
            var keys: String
            var homes: [String]
            var genesis: GenesisSummary
        }

        func validate() throws {
            try OptionCheck.count(validators, "--validators", in: 1...Limits.validatorsMax)
            try OptionCheck.basePort(basePort, "--base-port", count: validators)
            try OptionCheck.basePort(apiBasePort, "--api-base-port", count: validators)
        }

        func run() throws {
            let homes = (0..<validators).map { URL(fileURLWithPath: out).appendingPathComponent("node-\($0)").path }
            if let existing = homes.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                throw CLIError("\(existing) already exists; refusing to overwrite a validator's home, nothing was written (choose another --out)")
            }
            let plan = try ConsortiumPlan(
                validators: validators, chainID: chainID, host: host, validatorHosts: validatorHosts, basePort: basePort,
                members: members.isEmpty ? DemoConsortium.members : members,
                balances: members.isEmpty && balances.isEmpty ? DemoConsortium.balances : balances, extraCurrencies: currencies)
            let created = try plan.write(to: out)
            for (index, home) in homes.enumerated() {
                let configuration = NodeConfiguration(
                    genesis: "../genesis.json", validatorKey: "../keys/validator-\(index).pem", dataDirectory: "data",
                    apiHost: apiHost, apiPort: apiBasePort + index)
                try FileModes.createPrivateDirectory(home)
                try configuration.write(home: home)
            }
            if json {
                return print(try CLIJSON.render(Created(genesisFile: created.genesisPath, keys: created.keysDirectory, homes: homes, genesis: GenesisSummary(created.genesis))))
            }
            print("wrote \(created.genesisPath) for chain \(created.genesis.chainID)")
            print("genesis hash: \(created.genesis.hash)")
            print("validators:   \(created.genesis.validatorSet.toleranceSummary)")
            print("rules:        \(RulesText.line(created.genesis.rules))")
            if let warning = created.genesis.validatorSet.toleranceWarning { print(warning) }
            print("keys in \(created.keysDirectory): \(validators) validators, \(created.genesis.members.count) members")
            for member in created.genesis.members {
                print("  \(member.name.value.padding(toLength: 16, withPad: " ", startingAt: 0)) \(member.roles.map(\.name).joined(separator: "+").padding(toLength: 22, withPad: " ", startingAt: 0)) \(member.address)")
            }
            for balance in created.genesis.balances { print("  balance \(balance.member): \(AmountFormat.money(balance.amount, balance.currency.value))") }
            print("validator homes: \(homes.first ?? "")…node-\(validators - 1) (node.json: genesis, key, data directory, client API on \(apiHost):\(apiBasePort)+i)")
            print("""

                next, all validators on this machine:
                  greenledger testnet up --dir \(out)
                or validator i on its own host: copy genesis.json, keys/validator-i.pem and node-i/ there (same layout), then
                  greenledger node start --home node-i
                hand each member its key from keys/ (keep validator keys on their validators only).
                """)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a genesis file and print its hash, validators and members.",
            discussion: "Example: greenledger genesis show genesis/example-4-validators.json"
        )

        @Argument(help: "A genesis JSON file.")
        var file: String

        @Flag(help: "Print JSON instead of text (amounts as decimal strings of minor units).")
        var json = false

        func run() throws {
            let genesis: Genesis
            do { genesis = try Genesis(contentsOfFile: file) } catch { throw CLIError("\(file): \(error)") }
            if json { return print(try CLIJSON.render(GenesisSummary(genesis))) }
            print("chain id:     \(genesis.chainID)")
            print("genesis hash: \(genesis.hash)")
            print("validators:   \(genesis.validatorSet.toleranceSummary)")
            print("rules:        \(RulesText.line(genesis.rules))")
            if let warning = genesis.validatorSet.toleranceWarning { print(warning) }
            for validator in genesis.validators { print("  \(validator.name) \(validator.host):\(validator.port)") }
            print("members:      \(genesis.members.count)")
            for member in genesis.members { print("  \(member.name) \(member.roles.map(\.name).joined(separator: "+")) \(member.address)") }
            print("balances:     \(genesis.balances.isEmpty ? "none" : String(genesis.balances.count))")
            for balance in genesis.balances { print("  \(balance.member) \(AmountFormat.money(balance.amount, balance.currency.value))") }
        }
    }

    /// `genesis show --json`.
    struct GenesisSummary: Encodable {
        struct Validator: Encodable { var name: String, host: String, port: UInt16, publicKey: String }
        struct Member: Encodable { var name: String, roles: [String], address: String, publicKey: String }
        struct Balance: Encodable { var member: String, currency: String, amount: ExactAmount }

        var chainId: String
        var genesisHash: String
        var quorum: Int
        var faultsTolerated: Int
        var validators: [Validator]
        var members: [Member]
        var balances: [Balance]
        var rules: Rules?

        struct Rules: Encodable {
            struct Currency: Encodable { var code: String, exponent: UInt8 }
            var currencies: [Currency]
            var attestationKgMax: ExactAmount
            var issuanceMax: ExactAmount
        }

        init(_ genesis: Genesis) {
            rules = genesis.rules.map { rules in
                Rules(
                    currencies: rules.currencies.map { Rules.Currency(code: $0.code.value, exponent: $0.exponent) },
                    attestationKgMax: ExactAmount(rules.attestationKgMax), issuanceMax: ExactAmount(rules.issuanceMax))
            }
            chainId = genesis.chainID.value
            genesisHash = genesis.hash.hex
            quorum = genesis.validatorSet.quorum
            faultsTolerated = genesis.validatorSet.faultsTolerated
            validators = genesis.validators.map { Validator(name: $0.name.value, host: $0.host, port: $0.port, publicKey: $0.publicKey.hex) }
            members = genesis.members.map { Member(name: $0.name.value, roles: $0.roles.map(\.name), address: $0.address.description, publicKey: $0.publicKey.hex) }
            balances = genesis.balances.map { Balance(member: $0.member.value, currency: $0.currency.value, amount: ExactAmount($0.amount)) }
        }
    }
}

/// The consortium `genesis init` creates when no --member is given: one of every role.
enum DemoConsortium {
    static let members = [
        "cn-registry:registry", "tuv-verifier:verifier", "green-bank:participant", "city-issuer:issuer+participant",
        "solar-owner:participant", "regulator:auditor",
    ]
    static let balances = ["green-bank:EUR:1000000000", "city-issuer:EUR:5000000000"]
}

struct MemberSpec {
    let name: Identifier
    let roles: [Role]

    init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw CLIError("--member \(text): expected NAME:ROLE[+ROLE…]") }
        do { name = try Identifier(parts[0]) } catch { throw CLIError("--member \(text): \(error)") }
        var roles: [Role] = []
        for roleName in parts[1].split(separator: "+") {
            guard let role = Role(name: String(roleName)) else {
                throw CLIError("--member \(text): unknown role \(roleName); one of \(Role.allCases.map(\.name).joined(separator: ", "))")
            }
            roles.append(role)
        }
        guard !roles.isEmpty else { throw CLIError("--member \(text): give at least one role") }
        self.roles = roles
    }
}

struct BalanceSpec {
    let member: Identifier
    let currency: Identifier
    let amount: UInt64

    init(parsing text: String) throws {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let amount = UInt64(parts[2]) else {
            throw CLIError("--balance \(text): expected NAME:CURRENCY:MINOR_UNITS, e.g. green-bank:EUR:100000")
        }
        do {
            member = try Identifier(parts[0])
            currency = try Identifier(parts[1])
        } catch { throw CLIError("--balance \(text): \(error)") }
        self.amount = amount
    }
}

/// The genesis rules in one line for people.
enum RulesText {
    static func line(_ rules: LedgerRules?) -> String {
        guard let rules else { return "none (a format-1 genesis: no currency list or limits)" }
        let currencies = rules.currencies.map { "\($0.code) (\($0.exponent) decimal\($0.exponent == 1 ? "" : "s"))" }.joined(separator: ", ")
        return "currencies \(currencies); at most \(AmountFormat.kg(rules.attestationKgMax)) per attestation, \(AmountFormat.grouped(String(rules.issuanceMax))) credits per issuance"
    }
}
