import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// Green-finance integrity through the real binary against a 1-node testnet (genesis format
/// 2): predictable refusals — wrong role, unknown project or recipient, insufficient funds,
/// missing format-2 records, blank names and beneficiaries, over-limit quantities — are shown
/// before a nonce is spent (the node simulates first),
/// `--no-check` commits them anyway, and the corrections — a verifier's revocation, a
/// registry's suspension, reinstatement and cancellation — appear in `query`, in every
/// report format, in an offline proof, and in `verify`'s replay.
@Suite("End to end: refusals before signing and corrections with their audit trail", .serialized)
struct CorrectionsEndToEndTests {
    @Test("refusals cost no nonce; corrections show in query, report, proof and verify")
    func corrections() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let keys = "\(net.directory)/keys"
        let genesis = "\(net.directory)/genesis.json"
        let node = ["--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath]
        let common = node + ["--genesis", genesis, "--wait"]
        func address(_ member: String) throws -> String { try net.key(member).publicKey.address.description }
        func tx(_ kind: String, _ member: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + common, timeoutSeconds: 60)
        }
        func committed(_ kind: String, _ member: String, _ arguments: [String]) throws -> String {
            let result = try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + common + ["--json"], timeoutSeconds: 60)
            try #require(result.status == 0, "\(kind): \(result.output)")
            let outcome = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            return try #require(outcome?["id"] as? String, "\(kind): \(result.output)")
        }
        func nonce(_ member: String) async throws -> UInt64 { try await net.client(0).account(try net.key(member).publicKey.address).nonce }
        /// Refused before submitting: exit 1, the code and sentence, and the nonce still free.
        func refusedFirst(_ kind: String, _ member: String, _ arguments: [String], code: String, saying: String) async throws {
            let before = try await nonce(member)
            let result = try tx(kind, member, arguments)
            #expect(result.status == 1, "\(kind) as \(member): \(result.output)")
            #expect(result.output.contains("refused before submitting") && result.output.contains("(\(code))"), "\(result.output)")
            #expect(result.output.contains(saying), "\(kind): \(result.output)")
            #expect(try await nonce(member) == before, "\(kind) as \(member) spent a nonce")
        }

        let owner = try address("solar-owner")
        let reportA = "\(net.directory)/report-a.txt"
        let reportB = "\(net.directory)/report-b.txt"
        try "site A, 2025: 120 t CO2e".write(toFile: reportA, atomically: true, encoding: .utf8)
        try "site B, 2025: 30 t CO2e".write(toFile: reportB, atomically: true, encoding: .utf8)
        let period = ["--monitoring-start", "2025-01-01", "--monitoring-end", "2025-12-31"]
        let details = ["--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"]
        _ = try committed("register-project", "solar-owner", ["--id", "solar-1", "--name", "Gansu PV", "--category", "renewable-energy"] + details)
        _ = try committed("attest-reduction", "tuv-verifier", ["--project", "solar-1", "--vintage", "2025", "--quantity-kg", "120000", "--report", reportA] + period)
        _ = try committed("attest-reduction", "tuv-verifier", ["--project", "solar-1", "--vintage", "2025", "--quantity-kg", "30000", "--report", reportB] + period)

        // Predictable refusals: shown before a nonce is spent.
        let issue = ["--project", "solar-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "100000", "--owner", owner]
        try await refusedFirst("issue-credits", "green-bank", issue, code: "role-not-permitted", saying: "needs the role registry")
        try await refusedFirst(
            "attest-reduction", "tuv-verifier", ["--project", "nope", "--vintage", "2025", "--quantity-kg", "5", "--report", reportA] + period,
            code: "unknown-project", saying: "project nope is not registered")
        let stranger = try SigningKey().publicKey.address.description
        try await refusedFirst(
            "transfer", "green-bank", ["--to", stranger, "--amount", "100", "--category", "renewable-energy"],
            code: "unknown-recipient", saying: "is not a member of this ledger")
        try await refusedFirst(
            "transfer", "solar-owner", ["--to", try address("green-bank"), "--amount", "999999999999", "--category", "renewable-energy"],
            code: "insufficient-funds", saying: "needs 999999999999")
        try await refusedFirst(
            "register-project", "solar-owner", ["--id", "bare", "--name", "No details", "--category", "renewable-energy"],
            code: "payload-format", saying: "give --host-country, --methodology and --program")
        try await refusedFirst(
            "register-project", "solar-owner", ["--id", "blank-1", "--name", "   ", "--category", "renewable-energy"] + details,
            code: "empty-field", saying: "the project's name is empty")
        try await refusedFirst(
            "attest-reduction", "tuv-verifier", ["--project", "solar-1", "--vintage", "2025", "--quantity-kg", "18446744073709551615", "--report", reportB] + period,
            code: "exceeds-limit", saying: "above this ledger's limit")
        let badCountry = try tx("register-project", "solar-owner", ["--id", "x-1", "--name", "x", "--category", "renewable-energy", "--host-country", "XX", "--methodology", "m", "--program", "p"])
        #expect(badCountry.status != 0 && badCountry.output.contains("not an ISO 3166-1 alpha-2 code"), "\(badCountry.output)")
        let badPeriod = try tx("attest-reduction", "tuv-verifier", ["--project", "solar-1", "--vintage", "2024", "--quantity-kg", "5", "--report", reportA] + period)
        #expect(badPeriod.status != 0 && badPeriod.output.contains("not within the monitoring period"), "\(badPeriod.output)")

        // --no-check submits anyway: the refusal commits as a failed receipt and uses the nonce.
        let bankNonce = try await nonce("green-bank")
        let forced = try tx("issue-credits", "green-bank", issue + ["--no-check"])
        #expect(forced.status == 2 && forced.output.contains("receipt: FAILED") && forced.output.contains("role-not-permitted"), "\(forced.output)")
        #expect(try await nonce("green-bank") == bankNonce + 1)

        // Corrections.
        _ = try committed("issue-credits", "cn-registry", issue)
        try await refusedFirst(
            "revoke-attestation", "tuv-verifier", ["--project", "solar-1", "--vintage", "2025", "--sequence", "0", "--reason", "meter misread"],
            code: "attestation-backs-issued", saying: "the registry must cancel 70000 kg of credits first")
        let revocation = try committed(
            "revoke-attestation", "tuv-verifier", ["--project", "solar-1", "--vintage", "2025", "--sequence", "1", "--reason", "site B double-listed"])
        let block = ["--project", "solar-1", "--vintage", "2025", "--first-serial", "1"]
        _ = try committed("suspend-credits", "cn-registry", block + ["--quantity", "10000", "--reason", "ownership dispute"])
        try await refusedFirst(
            "transfer-credits", "solar-owner", block + ["--quantity", "10", "--to", try address("green-bank")],
            code: "credits-suspended", saying: "ownership dispute")
        _ = try committed("reinstate-credits", "cn-registry", block + ["--quantity", "4000", "--reason", "dispute settled for 4 t"])
        try await refusedFirst(
            "retire-credits", "solar-owner", block + ["--quantity", "10", "--beneficiary", " ", "--reason", "2025 offset"],
            code: "empty-field", saying: "the beneficiary is empty")
        let cancellation = try committed(
            "cancel-credits", "cn-registry", ["--project", "solar-1", "--vintage", "2025", "--first-serial", "4001", "--quantity", "6000", "--reason", "issued to the wrong holder"])
        try await refusedFirst(
            "reinstate-credits", "cn-registry", ["--project", "solar-1", "--vintage", "2025", "--first-serial", "4001", "--quantity", "6000", "--reason", "undo"],
            code: "credits-cancelled", saying: "a cancellation is final")
        // One more block, so the cancellation's receipt is certified by a later header.
        _ = try committed("transfer", "green-bank", ["--to", owner, "--amount", "100", "--category", "renewable-energy", "--purpose", "fee"])

        // Query.
        func query(_ arguments: [String]) throws -> String {
            let result = try net.run(["query"] + arguments + node, timeoutSeconds: 30)
            #expect(result.status == 0, "query \(arguments): \(result.output)")
            return result.output
        }
        func decode<Body: Decodable>(_ type: Body.Type, _ arguments: [String]) throws -> Body {
            let output = try query(arguments + ["--json"])
            do { return try JSONDecoder().decode(Body.self, from: Data(output.utf8)) } catch {
                throw HarnessError("query \(arguments.joined(separator: " ")) --json: \(error)\n\(output)")
            }
        }
        let cancelled = try decode(ListBody<CreditBlockBody>.self, ["credits", "--status", "cancelled"])
        #expect(cancelled.items.map { "\($0.firstSerial)-\($0.lastSerial) \($0.status) \($0.hold?.reason ?? "")" } == ["4001-10000 cancelled issued to the wrong holder"])
        #expect(try query(["credits", "--status", "suspended"]).contains("no credit blocks"))
        let attestations = try query(["attestations", "--project", "solar-1"])
        #expect(attestations.contains("revoked in block") && attestations.contains("site B double-listed") && attestations.contains("2025-01-01..2025-12-31"), "\(attestations)")
        let project = try decode(ProjectDetailBody.self, ["project", "solar-1"])
        #expect(project.project.hostCountry == "CN" && project.project.methodology == "ACM0002" && project.project.program == "cdm")
        let vintage = try #require(project.vintages.first)
        #expect([vintage.attestedKg, vintage.revokedKg, vintage.issuedKg, vintage.cancelledKg, vintage.heldKg, vintage.suspendedKg] == ["120000", "30000", "100000", "6000", "94000", "0"])

        // Reports: text, JSON and CSV.
        let source = node + ["--genesis", genesis]
        let text = try net.run(["report", "credits"] + source)
        #expect(text.status == 0 && text.output.contains("corrections:") && text.output.contains("issued to the wrong holder") && text.output.contains("revoked-attestation"), "\(text.output)")
        let json = try net.run(["report", "credits", "--json"] + source)
        let report = try OnlineAuditAndReportTests.json(json)
        let corrections = try #require(report["corrections"] as? [[String: Any]], "\(json.output)")
        #expect(corrections.compactMap { $0["kind"] as? String }.sorted() == ["cancelled", "revoked-attestation"])
        let csv = try net.run(["report", "credits", "--csv"] + source)
        #expect(csv.output.contains("solar-1,Gansu PV,renewable-energy,CN,2025,120000,30000,100000,94000,0,0,6000,0"), "\(csv.output)")

        // An offline proof of the cancellation, and of the revocation's receipt.
        for (id, shows) in [(cancellation, "issued to the wrong holder"), (revocation, "site B double-listed")] {
            let proofFile = "\(net.directory)/proof-\(id.prefix(8)).json"
            let proof = try net.run(["proof", "tx", id] + node + ["--out", proofFile, "--wait-seconds", "30"])
            #expect(proof.status == 0, "\(proof.output)")
            let checked = try net.run(["verify-proof", proofFile, "--genesis", genesis])
            #expect(checked.status == 0 && checked.output.contains(shows) && checked.output.contains("success"), "\(checked.output)")
        }

        // The audit replays every correction.
        let audit = try net.run(["verify"] + source)
        #expect(audit.status == 0 && audit.output.contains("corrections: 4 replayed"), "\(audit.output)")
    }
}
