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
            IssueBond.self, AllocateProceeds.self, RevokeAttestation.self, CancelCredits.self, SuspendCredits.self, ReinstateCredits.self,
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

        @Flag(help: "Print the outcome as JSON (id, nonce, and with --wait the block, position, certificate and receipt).")
        var json = false

        @Option(parsing: .unconditional, help: "Seconds to wait for the commit (with --wait; up to 3600).")
        var waitSeconds: Double = 30

        @Flag(name: .customLong("no-check"), help: "Submit without asking the node first what the receipt would be (a refusal then commits as a failed transaction and uses up the nonce).")
        var noCheck = false

        func validate() throws {
            try OptionCheck.seconds(waitSeconds, "--wait-seconds", in: 0.1...3_600)
        }
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

        @Option(parsing: .unconditional, help: "Amount in whole minor units of the currency, e.g. 250000 for EUR 2,500.00.", transform: WholeNumber.minorUnits)
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
    do { return try Identifier(value) } catch { throw CLIError("\(flag) \"\(value.prefix(80))\" is not an identifier: 1…64 characters of A–Z a–z 0–9 . _ : -") }
}

func text(_ value: String, _ flag: String) throws -> Text {
    do { return try Text(value, field: flag) } catch { throw CLIError("\(flag) is too long or holds control characters: at most \(Limits.textLengthMaxBytes) bytes of UTF-8 text on one line") }
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
        // Refusals the CLI can see without the node, before a nonce is spent.
        if case .transferFunds(let transfer) = payload, transfer.to == key.publicKey.address {
            throw CLIError("--to is your own address: a transfer to yourself moves nothing and is not a green flow")
        }
        if let rules = trusted?.rules {
            let currency: Identifier? =
                switch payload {
                case .transferFunds(let transfer): transfer.currency
                case .issueBond(let bond): bond.currency
                default: nil
                }
            if let currency, rules.currency(currency) == nil {
                throw CLIError("--currency \(currency) is not one of this ledger's currencies: \(rules.currencies.map(\.code.value).joined(separator: ", ")) (codes are case-sensitive)")
            }
        }
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
            if !common.noCheck { try await check(transaction, client) }
            let waitMillis = common.wait ? UInt64(common.waitSeconds * 1_000) : nil
            guard let result = try await client.submit([transaction], waitMillis: waitMillis).first else {
                throw CLIError("the node returned no result for \(transaction.id)")
            }
            guard result.status != "rejected" else {
                let reason = result.error.map { "\($0.message) (\($0.code))\(TransactionSubmitter.hint(code: $0.code, payload))" } ?? "no reason given"
                TransactionOutcomes.sink?.record(.refused(reason))
                throw CLIError("refused: \(reason)")
            }
            var outcome = TxOutcome(
                id: transaction.id.hex, kind: payload.kindName, sender: key.publicKey.address.description, nonce: transaction.nonce,
                status: "accepted")
            if !common.json { print("submitted \(payload.kindName) \(transaction.id) (nonce \(transaction.nonce)) from \(key.publicKey.address)") }
            guard common.wait, let trusted else {
                if common.json { print(try CLIJSON.render(outcome)) }
                return nil
            }
            guard let body = result.commit, body.status == "committed" else {
                let check = "greenledger query tx \(transaction.id) --node \(common.node)\(common.caFile.map { " --ca \($0)" } ?? "")"
                throw CLIError("not committed within \(common.waitSeconds.formatted()) s; it is accepted and may still commit — check with: \(check)")
            }
            let commit = try body.verifiableCommit()
            try commit.certificate.verify(chainID: trusted.chainID, genesisHash: trusted.hash, validators: trusted.validatorSet)
            TransactionOutcomes.sink?.record(.committed(commit))
            outcome.commit(commit)
            if common.json {
                print(try CLIJSON.render(outcome))
                if commit.receipt.failure != nil { throw ExitCode(2) }
                return commit
            }
            print("committed in block \(commit.height) (position \(commit.position)); certificate: \(commit.certificate.signatures.count) of \(trusted.validators.count) validators, view \(commit.certificate.view) — checked against your genesis")
            if let failure = commit.receipt.failure {
                print("receipt: FAILED — \(failure.message) (\(failure.code.name))")
                throw ExitCode(2)
            }
            print("receipt: success")
            return commit
        } catch let error as NodeClientError {
            throw CLIError(error)
        }
    }

    /// Asks the node for the receipt the transaction would get now; a predictable refusal
    /// stops here, before the nonce is used. A node that cannot simulate is not a refusal.
    private func check(_ transaction: Transaction, _ client: NodeClient) async throws {
        let simulation: SimulateResponseBody
        do { simulation = try await client.simulate([transaction]) } catch {
            ProgressOutput.line("note: the node could not check the transaction first (\(error)); submitting it")
            return
        }
        guard let result = simulation.results.first, !result.success, let failure = result.failure else { return }
        let reason = "\(failure.message) (\(failure.code))\(TransactionSubmitter.hint(code: failure.code, transaction.payload))"
        TransactionOutcomes.sink?.record(.refused(reason))
        throw CLIError("refused before submitting, on the ledger at height \(simulation.height): \(reason). Nothing was sent and nonce \(transaction.nonce) is still free; --no-check submits it anyway")
    }

    /// What to do about a refusal, where the CLI knows better than the ledger's words.
    static func hint(code: String, _ payload: Payload) -> String {
        guard code == FailureCode.payloadFormat.name else { return "" }
        switch payload {
        case .registerProject(let body) where body.details == nil: return "; give --host-country, --methodology and --program"
        case .attestReduction(let body) where body.monitoringPeriod == nil: return "; give --monitoring-start and --monitoring-end"
        default: return ""
        }
    }
}
