import ArgumentParser
import Audit
import Foundation
import LedgerCore
import Storage

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit a chain — a node's data directory offline, or a node's API online — against a genesis you trust.",
        discussion: """
            Takes the validator set from the genesis YOU supply (never the one stored in the data \
            or reported by the node) and checks: the data's genesis; every block's parent link, \
            Merkle root and encoding; every transaction signature; a commit certificate with \
            ≥ ⌈(n+f+1)/2⌉ distinct validators (2f+1 for n = 3f+1) signing the COMMIT of that view, height and block; and, \
            replaying every transaction from genesis, every recorded state root, receipts root and \
            receipt and (offline) the final state tables. Exits 0 when everything holds, 1 naming \
            the first bad height otherwise, and 2 when the chain could not be read (node \
            unreachable, connection lost): no verdict, nothing found against the chain.

            Online (--node), the node's chain is fetched in batches of blocks with their \
            certificates and receipts and checked exactly like the offline audit; it is audited up \
            to the node's height when the audit starts, and the node's state tables are not \
            fetched (every state root is still checked by replay). Progress goes to stderr.

            Examples:
              greenledger verify --data-dir testnet/node-0/data --genesis consortium/genesis.json
              greenledger verify --node https://node-0.bank.example:8100 --ca bank-ca.pem --genesis consortium/genesis.json
              greenledger verify --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis FILE --json > audit.json
            """
    )

    @OptionGroup var target: AuditTarget

    @Flag(help: "Print the report as JSON instead of text.")
    var json = false

    @Option(help: "First height whose signatures and certificate to check (replay still starts at genesis).")
    var from: UInt64?

    @Option(help: "Last height to check (default: the last block).")
    var to: UInt64?

    func run() async throws {
        // Progress on stderr, as `report` does: stdout holds only the verdict (text or JSON).
        let report = try await target.audit(fromHeight: from, toHeight: to) { line in ProgressOutput.line(line) }
        if json {
            print(try CLIJSON.render(report))
        } else {
            print(AuditReportText.render(report))
        }
        if report.failure != nil { throw ExitCode(1) }
        if report.unreadable != nil { throw ExitCode(2) }
    }
}

enum AuditReportText {
    static func render(_ report: AuditReport) -> String {
        var lines: [String] = []
        if let unreadable = report.unreadable {
            lines.append("NOT AUDITED from height \(unreadable.height): \(unreadable.problem)")
            lines.append("this is no finding about the chain: the audit could not read it; run verify again once the source is reachable")
            lines.append("checked before that: \(report.blocksChecked) blocks, \(report.transactionsChecked) transactions, no fault found")
            return lines.joined(separator: "\n")
        }
        if let failure = report.failure {
            lines.append("FAILED at height \(failure.height): \(failure.problem)")
            lines.append("checked before the failure: \(report.blocksChecked) blocks, \(report.transactionsChecked) transactions")
            return lines.joined(separator: "\n")
        }
        lines.append("PASSED: blocks \(report.fromHeight)…\(report.toHeight)")
        lines.append("  blocks \(report.blocksChecked), transactions \(report.transactionsChecked), signatures \(report.signaturesChecked), certificates \(report.certificatesChecked)")
        lines.append("  state tables \(report.stateTablesChecked ? "match the replay" : "not compared (\(report.stateNotCompared ?? "partial range"))")")
        lines.append(String(format: "  %.2f s (%.0f transactions/s)", report.elapsedSeconds, Double(report.transactionsChecked) / max(report.elapsedSeconds, 0.001)))
        lines.append("green flows by taxonomy category:")
        if report.flows.isEmpty { lines.append("  (none)") }
        for flow in report.flows {
            lines.append("  \(flow.category.padding(toLength: 24, withPad: " ", startingAt: 0)) \(AmountFormat.money(flow.amount, flow.currency)) in \(flow.transfers) transfers")
        }
        lines.append("carbon credits: \(AmountFormat.kg(report.credits.attestedKg)) attested, \(AmountFormat.kg(report.credits.issuedKg)) issued, \(AmountFormat.kg(report.credits.retiredKg)) retired in \(report.credits.retirements) retirements")
        if report.credits.corrections > 0 {
            lines.append("corrections: \(report.credits.corrections) replayed — \(AmountFormat.kg(report.credits.revokedKg)) of attestations revoked, \(AmountFormat.kg(report.credits.cancelledKg)) of credits cancelled")
        }
        lines.append("green bonds:")
        if report.bonds.isEmpty { lines.append("  (none)") }
        for bond in report.bonds {
            lines.append("  \(bond.bondID): \(AmountFormat.money(bond.allocated, bond.currency)) of \(AmountFormat.money(bond.faceValue, bond.currency)) allocated")
        }
        return lines.joined(separator: "\n")
    }
}
