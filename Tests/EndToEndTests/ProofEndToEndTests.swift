import Foundation
import LedgerCore
import LedgerCrypto
import Testing

/// A regulator accepting single records, through the public CLI against a 4-validator testnet:
/// a transfer that succeeds and a retirement of credits that do not exist (refused at
/// execution, so it is in a block with a failed receipt). `proof tx` exports both;
/// `verify-proof` finds them VALID against the testnet's genesis and shows success and the
/// failure reason; the same files are INVALID under another consortium's genesis and after an
/// edit. `/metrics` then shows the commits and the peer links.
@Suite("End to end: proofs of single records and /metrics", .serialized)
struct ProofEndToEndTests {
    @Test("proof tx and verify-proof on a real testnet; another genesis and edits are INVALID; /metrics counts the commits")
    func proofsAndMetrics() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let genesis = "\(net.directory)/genesis.json"
        let keys = "\(net.directory)/keys"
        let node = "https://127.0.0.1:\(net.apiBasePort)"
        func tx(_ kind: String, _ member: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + ["--node", node, "--ca", net.caPath, "--genesis", genesis, "--wait"], timeoutSeconds: 60)
        }
        func submittedID(_ output: String, _ kind: String) throws -> String {
            let marker = try #require(output.range(of: "submitted \(kind) "), "no transaction id in: \(output)")
            return String(output[marker.upperBound...].prefix(64))
        }
        let owner = try net.key("solar-owner").publicKey.address.description

        let transfer = try tx("transfer", "green-bank", ["--to", owner, "--amount", "250000", "--currency", "EUR", "--category", "renewable-energy", "--purpose", "PV module deposit"])
        #expect(transfer.status == 0, "\(transfer.output)")
        let transferID = try submittedID(transfer.output, "transfer-funds")
        // --no-check: the refusal is committed as a failed receipt, whose proof is wanted here.
        let retire = try tx("retire-credits", "green-bank", ["--project", "no-such-project", "--vintage", "2025", "--first-serial", "1", "--quantity", "5", "--beneficiary", "Acme Steel AG", "--reason", "2025 offset", "--no-check"])
        #expect(retire.status == 2 && retire.output.contains("receipt: FAILED"), "\(retire.output)")
        let retireID = try submittedID(retire.output, "retire-credits")

        // The retirement's receipt is certified by the next block: the primary seals the busy
        // block with an empty one, so the proof completes with no further transaction.
        let sealed = try net.run(["proof", "tx", retireID, "--node", node, "--ca", net.caPath, "--out", "\(net.directory)/sealed.json", "--wait-seconds", "30"])
        #expect(sealed.status == 0, "\(sealed.output)")
        #expect(sealed.output.contains("receipt: FAILED"), "\(sealed.output)")

        let next = try tx("transfer", "city-issuer", ["--to", owner, "--amount", "100", "--currency", "EUR", "--category", "renewable-energy"])
        #expect(next.status == 0, "\(next.output)")

        // Export both (the transfer from a backup validator), as the guide shows.
        let transferFile = "\(net.directory)/transfer.proof.json"
        let retireFile = "\(net.directory)/retirement.proof.json"
        let backup = "https://127.0.0.1:\(net.apiBasePort + 2)"
        let exportedTransfer = try net.run(["proof", "tx", transferID, "--node", backup, "--ca", net.caPath, "--out", transferFile, "--wait-seconds", "30", "--genesis", genesis])
        #expect(exportedTransfer.status == 0, "\(exportedTransfer.output)")
        #expect(exportedTransfer.output.contains("receipt: success") && exportedTransfer.output.contains("VALID"), "\(exportedTransfer.output)")
        let exportedRetire = try net.run(["proof", "tx", retireID, "--node", node, "--ca", net.caPath, "--out", retireFile, "--wait-seconds", "30"])
        #expect(exportedRetire.status == 0, "\(exportedRetire.output)")
        #expect(exportedRetire.output.contains("receipt: FAILED"), "\(exportedRetire.output)")
        #expect(exportedRetire.output.contains("unknown-credit-block"), "\(exportedRetire.output)")

        // A regulator, offline, with the genesis it trusts.
        let validTransfer = try net.run(["verify-proof", transferFile, "--genesis", genesis])
        #expect(validTransfer.status == 0, "\(validTransfer.output)")
        for expected in ["transfer-funds", "(green-bank, participant)", "2,500.00 EUR", "PV module deposit", "VALID"] {
            #expect(validTransfer.output.contains(expected), "\(expected) missing from: \(validTransfer.output)")
        }
        #expect(receiptLine(validTransfer.output)?.hasSuffix(" success") == true, "\(validTransfer.output)")
        let validRetire = try net.run(["verify-proof", retireFile, "--genesis", genesis])
        #expect(validRetire.status == 0, "\(validRetire.output)")
        for expected in ["retire-credits", "Acme Steel AG", "unknown-credit-block", "VALID"] {
            #expect(validRetire.output.contains(expected), "\(expected) missing from: \(validRetire.output)")
        }

        #expect(receiptLine(validRetire.output)?.contains("FAILED — no credit block") == true, "\(validRetire.output)")

        // Another consortium with the same chain id: its genesis does not accept the record.
        let other = "\(net.directory)/other-consortium"
        let created = try net.run(["genesis", "init", "--validators", "4", "--out", other, "--chain-id", "greenledger-testnet"])
        #expect(created.status == 0, "\(created.output)")
        let foreign = try net.run(["verify-proof", transferFile, "--genesis", "\(other)/genesis.json"])
        #expect(foreign.status == 1)
        #expect(foreign.output.contains("INVALID: the sender"), "\(foreign.output)")

        // Edits: the readable summary, and the bundle itself.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: retireFile))) as? [String: Any])
        var summary = try #require(json["summary"] as? [String: Any])
        summary["receipt"] = "success"
        json["summary"] = summary
        let editedSummary = "\(net.directory)/edited-summary.json"
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: editedSummary))
        let summaryCheck = try net.run(["verify-proof", editedSummary, "--genesis", genesis])
        #expect(summaryCheck.status == 1)
        #expect(summaryCheck.output.contains("INVALID: the file's summary does not match its bundle: receipt"), "\(summaryCheck.output)")

        let original = try String(contentsOfFile: retireFile, encoding: .utf8)
        let bundle = try #require(json["bundle"] as? String)
        var edited = Array(bundle)
        let middle = edited.count / 2
        edited[middle] = edited[middle] == "0" ? "1" : "0"
        let editedBundle = "\(net.directory)/edited-bundle.json"
        try original.replacingOccurrences(of: bundle, with: String(edited)).write(toFile: editedBundle, atomically: true, encoding: .utf8)
        let bundleCheck = try net.run(["verify-proof", editedBundle, "--genesis", genesis])
        #expect(bundleCheck.status == 1)
        #expect(bundleCheck.output.contains("INVALID"), "\(bundleCheck.output)")

        // Metrics of validator 0: three committed transactions, three peers.
        var samples: [String: Double] = [:]
        let label = #"{node="validator-0"}"#
        try await waitUntil("validator-0's /metrics to show 3 peers", timeoutSeconds: 30) {
            samples = (try? await net.client(0).metricsText()).map(metricSamples) ?? [:]
            return samples["greenledger_peers_connected\(label)"] == 3
        }
        #expect((samples["greenledger_height\(label)"] ?? 0) >= 3)
        #expect((samples["greenledger_committed_transactions_total\(label)"] ?? 0) >= 3)
        #expect(samples["greenledger_peers_expected\(label)"] == 3)
        #expect((samples["greenledger_block_commit_seconds_count\(label)"] ?? 0) >= 3)
        #expect((samples["greenledger_signature_checks_total\(label)"] ?? 0) >= 3)
        #expect(samples["greenledger_mempool_transactions\(label)"] == 0)
    }
}

/// The `receipt:` line of verify-proof's summary.
func receiptLine(_ output: String) -> String? {
    output.split(separator: "\n").first { $0.hasPrefix("  receipt:") }.map(String.init)
}

/// Samples of a Prometheus text exposition, `name{labels}` → value (comment lines skipped).
func metricSamples(_ text: String) -> [String: Double] {
    let pairs = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        return (String(line[..<space]), value)
    }
    return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
}
