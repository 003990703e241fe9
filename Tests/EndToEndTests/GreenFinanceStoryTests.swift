import Foundation
import LedgerCore
import LedgerCrypto
import Testing

/// The green-finance story through the public CLI, against a running validator: a verifier
/// attests a solar project's reductions, the registry issues serial-numbered credits, a bank
/// buys and retires them for a named beneficiary, an issuer issues a green bond and allocates
/// its proceeds — and an ineligible allocation and a double retirement are refused with the
/// state machine's reasons. The offline audit then passes and reports the flows.
@Suite("End to end: every green-finance transaction from the CLI", .serialized)
struct GreenFinanceStoryTests {
    @Test("the credit and bond story commits, refusals say why, and the audit passes")
    func story() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let keys = "\(net.directory)/keys"
        let common = ["--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath, "--genesis", "\(net.directory)/genesis.json", "--wait"]
        func address(_ member: String) throws -> String { try net.key(member).publicKey.address.description }
        func tx(_ kind: String, _ member: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + common, timeoutSeconds: 60)
        }
        func expectCommitted(_ result: (status: Int32, output: String), _ what: String) {
            #expect(result.status == 0, "\(what): \(result.output)")
            #expect(result.output.contains("receipt: success"), "\(what): \(result.output)")
        }

        let report = "\(net.directory)/verification-report.txt"
        try "Gansu PV 50 MW, monitoring period 2025: 120 t CO2e avoided".write(toFile: report, atomically: true, encoding: .utf8)
        let owner = try address("solar-owner")
        let bank = try address("green-bank")

        expectCommitted(try tx("register-project", "solar-owner", ["--id", "solar-gansu-1", "--name", "Gansu PV 50 MW", "--category", "renewable-energy", "--location", "Gansu, CN", "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"]), "register solar")
        expectCommitted(try tx("register-project", "city-issuer", ["--id", "mall-1", "--name", "Retrofit mall", "--category", "green-buildings", "--owner", owner, "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"]), "register mall")
        let attested = try tx("attest-reduction", "tuv-verifier", ["--project", "solar-gansu-1", "--vintage", "2025", "--quantity-kg", "120000", "--report", report, "--monitoring-start", "2025-01-01", "--monitoring-end", "2025-12-31"])
        expectCommitted(attested, "attest")
        #expect(attested.output.contains(SHA256.hash(Array(try Data(contentsOf: URL(fileURLWithPath: report)))).hex))
        expectCommitted(try tx("issue-credits", "cn-registry", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "100000", "--owner", owner]), "issue credits")
        expectCommitted(try tx("transfer-credits", "solar-owner", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--to", bank]), "sell credits to the bank")
        let retired = try tx("retire-credits", "green-bank", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--beneficiary", "Acme Steel AG", "--reason", "2025 scope 1 offset"])
        expectCommitted(retired, "retire")
        #expect(retired.output.contains("RETIREMENT CERTIFICATE"))
        #expect(retired.output.contains("serials 1–5000"))

        // Refusals, in words.
        let again = try tx("retire-credits", "green-bank", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--beneficiary", "Acme Steel AG", "--reason", "again"])
        #expect(again.status != 0)
        #expect(again.output.contains("retired and can never move again"), "\(again.output)")
        let overIssued = try tx("issue-credits", "cn-registry", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "100001", "--quantity", "30000", "--owner", owner])
        #expect(overIssued.status != 0)
        #expect(overIssued.output.contains("exceeds-attested"), "\(overIssued.output)")

        expectCommitted(try tx("issue-bond", "city-issuer", ["--id", "GB-2026-01", "--currency", "EUR", "--face-value", "1000000000", "--term-months", "60", "--eligible", "renewable-energy,clean-transportation"]), "issue bond")
        expectCommitted(try tx("allocate-proceeds", "city-issuer", ["--bond", "GB-2026-01", "--project", "solar-gansu-1", "--amount", "250000000"]), "allocate")
        let ineligible = try tx("allocate-proceeds", "city-issuer", ["--bond", "GB-2026-01", "--project", "mall-1", "--amount", "1"])
        #expect(ineligible.status != 0)
        #expect(ineligible.output.contains("category-not-eligible"), "\(ineligible.output)")

        // Bad input is refused before anything is signed.
        let badCategory = try tx("register-project", "solar-owner", ["--id", "x", "--name", "x", "--category", "coal"])
        #expect(badCategory.status != 0)
        #expect(badCategory.output.contains("is not one of"))

        _ = try net.run(["testnet", "down", "--dir", net.directory])
        let audit = try net.run(["verify", "--data-dir", net.dataDirectory(0), "--genesis", "\(net.directory)/genesis.json"])
        #expect(audit.status == 0, "\(audit.output)")
        #expect(audit.output.contains("120,000 kg CO2e attested, 100,000 kg CO2e issued, 5,000 kg CO2e retired in 1 retirements"), "\(audit.output)")
        #expect(audit.output.contains("GB-2026-01: 2,500,000.00 EUR of 10,000,000.00 EUR allocated"), "\(audit.output)")
    }
}
