import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node

/// `greenledger proof tx`: export one committed transaction as a self-contained proof file.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Export proofs of committed records that anyone can check offline with a genesis.",
        subcommands: [Tx.self]
    )

    struct Tx: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tx",
            abstract: "Write a transaction's proof file: the signed transaction, its block header, inclusion proof and commit certificate, and its certified receipt.",
            discussion: """
                The receipt (success, or the failure and its reason) of a transaction in block h is \
                certified by the header of block h + stateRootLag (1 unless the genesis says otherwise). \
                Until that block commits — on a quiet chain, until the next transaction — the node \
                answers that the receipt is not certified yet; --wait-seconds keeps asking that long. \
                With --genesis the proof is checked before it is written, and refused if invalid. \
                Check the file anywhere, offline, with `greenledger verify-proof`.

                Example:
                  greenledger proof tx 3f2a…c9 --node https://127.0.0.1:8100 --ca testnet/ca.pem --out retirement.proof.json --wait-seconds 30
                  greenledger verify-proof retirement.proof.json --genesis testnet/genesis.json
                """
        )

        @Argument(help: "The transaction id (64 hex digits).")
        var id: String

        @Option(help: "A validator's client API, e.g. https://127.0.0.1:8100 (a testnet, with --ca testnet/ca.pem) or http://127.0.0.1:8100.")
        var node: String

        @Option(name: .customLong("ca"), help: "With an https:// --node: the CA certificate (PEM) that issued the node's certificate; default: $GREENLEDGER_CA, else the system's trusted roots.")
        var caFile: String?

        @Option(help: "Where to write the proof file (JSON; overwritten if it exists).")
        var out: String

        @Option(parsing: .unconditional, help: "Seconds to keep asking while the transaction or its receipt is not committed yet (0 = ask once; up to 3600).")
        var waitSeconds: Double = 0

        @Option(help: "A genesis you trust: check the proof against it before writing.")
        var genesis: String?

        @Flag(help: "Print JSON: the file written and the record it proves.")
        var json = false

        struct Written: Encodable {
            var file: String
            var checkedAgainstGenesis: Bool
            var record: ProofSummary
        }

        func validate() throws {
            guard Digest(hex: id) != nil else { throw ValidationError("\(id) is not a transaction id: expected 64 hex digits") }
            try OptionCheck.seconds(waitSeconds, "--wait-seconds", in: 0...3_600)
        }

        func run() async throws {
            guard let transactionID = Digest(hex: id) else { throw CLIError("\(id) is not a transaction id: expected 64 hex digits") }
            let trusted: Genesis? = try genesis.map { path in
                do { return try Genesis(contentsOfFile: path) } catch { throw CLIError("--genesis \(path): \(error)") }
            }
            let client: NodeClient
            do { client = try NodeEndpoint.client(url: node, caOption: caFile) } catch { throw CLIError("--node: \(error)") }
            let proof = try await fetch(transactionID, from: client)
            if let trusted {
                do { try proof.verify(against: trusted) } catch {
                    throw CLIError("the node's proof does not hold under your genesis, nothing written: \(error)")
                }
            }
            try ProofFile(proof: proof).write(to: out)
            let summary = ProofSummary(proof)
            if json {
                return print(try CLIJSON.render(Written(file: out, checkedAgainstGenesis: trusted != nil, record: summary)))
            }
            print("transaction \(summary.transactionId): \(summary.kind) from \(summary.sender) (nonce \(summary.nonce))")
            print("in block \(summary.height) at \(summary.blockTime), position \(summary.position); receipt certified by block \(summary.receiptCertifiedByHeight)")
            if let failure = proof.receipt.failure {
                print("receipt: FAILED — \(failure.message) (\(failure.code.name))")
            } else {
                print("receipt: success")
            }
            print(trusted == nil ? "not checked here (no --genesis)" : "checked against your genesis: VALID")
            print("wrote \(out); check it with: greenledger verify-proof \(out) --genesis GENESIS-YOU-TRUST")
        }

        /// Asks until the node has the proof or --wait-seconds have passed.
        private func fetch(_ transactionID: Digest, from client: NodeClient) async throws -> TransactionProof {
            let deadline = ContinuousClock.now + .milliseconds(Int(waitSeconds * 1_000))
            while true {
                do {
                    return try await client.transactionProof(transactionID).proof
                } catch .api(409, _, let message) {
                    guard ContinuousClock.now < deadline else {
                        throw CLIError(waitSeconds > 0 ? "\(message) (still so after \(waitSeconds) s)" : "\(message); or pass --wait-seconds N")
                    }
                    try await Task.sleep(for: .milliseconds(250))
                } catch .api(404, _, let message) {
                    throw CLIError(message)
                } catch {
                    throw CLIError("\(error)")
                }
            }
        }
    }
}
