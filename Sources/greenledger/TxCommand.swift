import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node

struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Build, sign (locally: the key never leaves this machine) and submit a transaction.",
        subcommands: [
            Transfer.self, RegisterProject.self, AttestReduction.self, IssueCredits.self, TransferCredits.self, RetireCredits.self,
            IssueBond.self, AllocateProceeds.self,
        ]
    )

    /// What every transaction command takes.
    struct Common: ParsableArguments {
        @Option(help: "Your private key file (PKCS#8 PEM).")
        var key: String

        @Option(help: "A validator's client API, e.g. https://127.0.0.1:8100 (a testnet, with --ca testnet/ca.pem) or http://127.0.0.1:8100.")
        var node: String

        @Option(name: .customLong("ca"), help: "With an https:// --node: the CA certificate (PEM) that issued the node's certificate; default: $GREENLEDGER_CA, else the system's trusted roots.")
        var caFile: String?

        @Flag(help: "Wait for the commit; check its certificate and inclusion proof against --genesis; print the receipt.")
        var wait = false

        @Option(help: "The genesis you trust (needed with --wait).")
        var genesis: String?

        @Option(help: "Seconds to wait for the commit.")
        var waitSeconds: Double = 30
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Transfer funds to another member, tagged with a green taxonomy category.",
            discussion: """
                Amounts are minor units (cents). Categories: \(TaxonomyCategory.allCases.map(\.name).joined(separator: ", ")).

                Example:
                  greenledger tx transfer --key testnet/keys/green-bank.pem --to gl9c82… --amount 250000 \\
                    --currency EUR --category renewable-energy --purpose "PV module deposit" \\
                    --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis testnet/genesis.json --wait
                """
        )

        @OptionGroup var common: Common

        @Option(help: "The recipient's address (gl + 40 hex digits).")
        var to: String

        @Option(help: "Amount in minor units of the currency.")
        var amount: UInt64

        @Option(help: "Currency code, e.g. EUR.")
        var currency: String = "EUR"

        @Option(help: "Green taxonomy category the money is for.")
        var category: String

        @Option(help: "What the money is for (free text, ≤ 256 bytes).")
        var purpose: String = ""

        func run() async throws {
            guard let recipient = Address(text: to) else { throw CLIError("--to \(to) is not an address (gl followed by 40 lowercase hex digits)") }
            guard amount > 0 else { throw CLIError("--amount must be above zero") }
            guard let taxonomy = TaxonomyCategory(name: category) else {
                throw CLIError("--category \(category) is not one of: \(TaxonomyCategory.allCases.map(\.name).joined(separator: ", "))")
            }
            let payload = Payload.transferFunds(TransferFunds(
                to: recipient, currency: try identifier(currency, "--currency"), amount: amount, category: taxonomy,
                purpose: try text(purpose, "--purpose")))
            try await TransactionSubmitter(common).submit(payload)
        }
    }
}

func identifier(_ value: String, _ flag: String) throws -> Identifier {
    do { return try Identifier(value) } catch { throw CLIError("\(flag): \(error)") }
}

func text(_ value: String, _ flag: String) throws -> Text {
    do { return try Text(value, field: flag) } catch { throw CLIError("\(flag): \(error)") }
}

/// Signs a payload with the user's key and the next nonce, submits it, and with --wait checks
/// the commit against the user's own genesis before printing the receipt.
struct TransactionSubmitter {
    let common: TxCommand.Common

    init(_ common: TxCommand.Common) { self.common = common }

    @discardableResult
    func submit(_ payload: Payload) async throws -> TransactionCommit? {
        let key = try KeyFiles.readPrivateKey(common.key)
        let trusted: Genesis? = try common.genesis.map { path in
            do { return try Genesis(contentsOfFile: path) } catch { throw CLIError("--genesis \(path): \(error)") }
        }
        if common.wait && trusted == nil { throw CLIError("--wait checks the commit against your genesis: give --genesis FILE") }
        let client: NodeClient
        do { client = try NodeEndpoint.client(url: common.node, caOption: common.caFile) } catch { throw CLIError("--node: \(error)") }
        do {
            let status = try await client.status()
            if let trusted, status.genesisHash != trusted.hash.hex {
                throw CLIError("the node at \(common.node) runs genesis \(status.genesisHash), not your genesis \(trusted.hash.hex)")
            }
            let account = try await client.account(key.publicKey.address)
            let chainID = try identifier(status.chainId, "the node's chain id")
            let transaction = try Transaction(chainID: chainID, nonce: account.nonce + 1, payload: payload, signer: key)
            let waitMillis = common.wait ? UInt64(common.waitSeconds * 1_000) : nil
            guard let result = try await client.submit([transaction], waitMillis: waitMillis).first else {
                throw CLIError("the node returned no result for \(transaction.id)")
            }
            guard result.status != "rejected" else {
                let reason = result.error.map { "\($0.message) (\($0.code))" } ?? "no reason given"
                TransactionOutcomes.sink?.record(.refused(reason))
                throw CLIError("refused: \(reason)")
            }
            print("submitted \(payload.kindName) \(transaction.id) (nonce \(transaction.nonce)) from \(key.publicKey.address)")
            guard common.wait, let trusted else { return nil }
            guard let body = result.commit, body.status == "committed" else {
                throw CLIError("not committed within \(Int(common.waitSeconds)) s; check later with its id \(transaction.id)")
            }
            let commit = try body.verifiableCommit()
            try commit.certificate.verify(chainID: trusted.chainID, genesisHash: trusted.hash, validators: trusted.validatorSet)
            TransactionOutcomes.sink?.record(.committed(commit))
            print("committed in block \(commit.height) (position \(commit.position)); certificate: \(commit.certificate.signatures.count) of \(trusted.validators.count) validators, view \(commit.certificate.view) — checked against your genesis")
            if let failure = commit.receipt.failure {
                print("receipt: FAILED — \(failure.message) (\(failure.code.name))")
                throw ExitCode(2)
            }
            print("receipt: success")
            return commit
        } catch let error as NodeClientError {
            throw CLIError("\(error)")
        }
    }
}
