import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto

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

        @Option(name: .customLong("member"), help: "A member as NAME:ROLE[+ROLE…]; repeat for each.")
        var members: [String] = []

        @Option(name: .customLong("balance"), help: "An opening balance as NAME:CURRENCY:MINOR_UNITS; repeat for each.")
        var balances: [String] = []

        func run() throws {
            let plan = try ConsortiumPlan(
                validators: validators, chainID: chainID, host: host, validatorHosts: validatorHosts, basePort: basePort,
                members: members.isEmpty ? DemoConsortium.members : members,
                balances: members.isEmpty && balances.isEmpty ? DemoConsortium.balances : balances)
            let created = try plan.write(to: out)
            print("wrote \(created.genesisPath) for chain \(created.genesis.chainID)")
            print("genesis hash: \(created.genesis.hash)")
            print("validators:   \(created.genesis.validatorSet.toleranceSummary)")
            if let warning = created.genesis.validatorSet.toleranceWarning { print(warning) }
            print("keys in \(created.keysDirectory): \(validators) validators, \(created.genesis.members.count) members")
            for member in created.genesis.members {
                print("  \(member.name.value.padding(toLength: 16, withPad: " ", startingAt: 0)) \(member.roles.map(\.name).joined(separator: "+").padding(toLength: 22, withPad: " ", startingAt: 0)) \(member.address)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a genesis file and print its hash, validators and members.",
            discussion: "Example: greenledger genesis show genesis/example-4-validators.json"
        )

        @Argument(help: "A genesis JSON file.")
        var file: String

        func run() throws {
            let genesis = try Genesis(contentsOfFile: file)
            print("chain id:     \(genesis.chainID)")
            print("genesis hash: \(genesis.hash)")
            print("validators:   \(genesis.validatorSet.toleranceSummary)")
            if let warning = genesis.validatorSet.toleranceWarning { print(warning) }
            for validator in genesis.validators { print("  \(validator.name) \(validator.host):\(validator.port)") }
            print("members:      \(genesis.members.count)")
            for member in genesis.members { print("  \(member.name) [\(member.roles.map(\.name).joined(separator: ", "))] \(member.address)") }
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
