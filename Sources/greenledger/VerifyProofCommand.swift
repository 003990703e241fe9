import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto

/// `greenledger verify-proof`: checks a proof file offline against a genesis the user trusts.
struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check one transaction's proof file offline against a genesis you trust, and show the proven record.",
        discussion: """
            Needs no node and no copy of the chain. Checks, against YOUR genesis: the chain id; that \
            the sender is a member and signed the transaction; that the transaction is under the \
            transactions root of a block header certified by ≥ ⌈(n+f+1)/2⌉ (2f+1 for n = 3f+1) of the genesis validators; and \
            that its receipt is under the receipts root of the header stateRootLag blocks later, also \
            certified. The file's readable summary must match the bundle. Prints the record and \
            VALID (exit 0), or INVALID and the check that failed (exit 1). Accepts the JSON file of \
            `greenledger proof tx` or a bare bundle from GET /v1/transactions/{id}/proof.

            Example:
              greenledger verify-proof retirement.proof.json --genesis consortium/genesis.json
            """
    )

    @Argument(help: "The proof file.")
    var file: String

    @Option(help: "The genesis file you trust.")
    var genesis: String

    @Flag(help: "Print JSON: {valid, reason?, genesisHash, record?} (the record: the file's checked summary).")
    var json = false

    /// `verify-proof --json`.
    struct Verdict: Encodable {
        var valid: Bool
        var reason: String?
        var genesisHash: String
        var record: ProofSummary?
    }

    func run() throws {
        let trusted: Genesis
        do { trusted = try Genesis(contentsOfFile: genesis) } catch { throw CLIError("--genesis \(genesis): \(error)") }
        let proof: TransactionProof
        do {
            let (bundle, claimed) = try ProofFile.read(file)
            proof = try TransactionProof.decode(bundle)
            if let claimed, let difference = ProofSummary(proof).firstDifference(from: claimed) {
                throw ProofFileError("the file's summary does not match its bundle: \(difference)")
            }
            try proof.verify(against: trusted)
        } catch let error as ProofFileError {
            return try invalid(error.description)
        } catch let error as ProofError {
            return try invalid(error.description)
        }
        if json { return print(try CLIJSON.render(Verdict(valid: true, genesisHash: trusted.hash.hex, record: ProofSummary(proof)))) }
        print(render(proof, genesis: trusted))
        print("VALID — checked against your genesis \(trusted.hash) (chain \(trusted.chainID), \(trusted.validators.count) validators)")
    }

    private func invalid(_ reason: String) throws {
        if json {
            let hash = (try? Genesis(contentsOfFile: genesis))?.hash.hex ?? ""
            print(try CLIJSON.render(Verdict(valid: false, reason: reason, genesisHash: hash)))
        } else {
            print("INVALID: \(reason)")
        }
        throw ExitCode(1)
    }

    private func render(_ proof: TransactionProof, genesis: Genesis) -> String {
        let transaction = proof.transaction
        let member = genesis.member(at: transaction.senderAddress)
        let validators = genesis.validators.count
        var rows = [
            ("kind", transaction.payload.kindName),
            ("sender", "\(transaction.senderAddress)" + (member.map { " (\($0.name), \($0.roles.map(\.name).joined(separator: "+")))" } ?? "")),
            ("nonce", "\(transaction.nonce)"),
        ]
        rows += PayloadSummary.fields(of: transaction.payload, genesis: genesis)
        rows.append(("block", "\(proof.height) (position \(proof.position) of \(proof.header.transactionCount)), \(ProofSummary.time(proof.header.timestampMillis)), hash \(proof.header.hash)"))
        rows.append(("certified", "block \(proof.height) by \(proof.certificate.signatures.count) of \(validators) validators (view \(proof.certificate.view)); receipt by block \(proof.receiptHeader.height), \(proof.receiptCertificate.signatures.count) of \(validators)"))
        if let failure = proof.receipt.failure {
            rows.append(("receipt", "FAILED — \(failure.message) (\(failure.code.name)); the transaction changed nothing but the sender's nonce"))
        } else {
            rows.append(("receipt", "success"))
        }
        let width = rows.map(\.0.count).max()! + 2
        return (["transaction \(transaction.id)"] + rows.map { label, value in
            "  " + (label + ":").padding(toLength: width, withPad: " ", startingAt: 0) + value
        }).joined(separator: "\n")
    }
}
