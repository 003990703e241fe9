import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// Every `greenledger query` subcommand through the real binary against a 1-node testnet after
/// a short green-finance story: text and --json output, paging with --limit 1 and --after, and
/// bad input refused with a sentence.
@Suite("End to end: greenledger query", .serialized)
struct QueryEndToEndTests {
    @Test("every query subcommand answers from the committed story; bad input is refused in words")
    func queries() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let keys = "\(net.directory)/keys"
        let node = ["--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath]
        let common = node + ["--genesis", "\(net.directory)/genesis.json", "--wait"]
        func address(_ member: String) throws -> String { try net.key(member).publicKey.address.description }
        func tx(_ kind: String, _ member: String, _ arguments: [String]) throws {
            let result = try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + common, timeoutSeconds: 60)
            try #require(result.status == 0 && result.output.contains("receipt: success"), "\(kind): \(result.output)")
        }
        func query(_ arguments: [String]) throws -> String {
            let result = try net.run(["query"] + arguments + node, timeoutSeconds: 30)
            #expect(result.status == 0, "query \(arguments.joined(separator: " ")): \(result.output)")
            return result.output
        }
        func refused(_ arguments: [String]) throws -> String {
            let result = try net.run(["query"] + arguments + node, timeoutSeconds: 30)
            #expect(result.status != 0, "query \(arguments.joined(separator: " ")) was accepted: \(result.output)")
            return result.output
        }
        func json<Body: Decodable>(_ type: Body.Type, _ arguments: [String]) throws -> Body {
            try JSONDecoder().decode(Body.self, from: Data(try query(arguments + ["--json"]).utf8))
        }

        let report = "\(net.directory)/report.txt"
        try "Gansu PV 2025 monitoring".write(toFile: report, atomically: true, encoding: .utf8)
        let owner = try address("solar-owner")
        let bank = try address("green-bank")
        let verifier = try address("tuv-verifier")
        try tx("register-project", "solar-owner", ["--id", "solar-gansu-1", "--name", "Gansu PV 50 MW", "--category", "renewable-energy", "--location", "Gansu, CN", "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"])
        try tx("register-project", "city-issuer", ["--id", "mall-1", "--name", "Retrofit mall", "--category", "green-buildings", "--owner", owner, "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"])
        try tx("attest-reduction", "tuv-verifier", ["--project", "solar-gansu-1", "--vintage", "2025", "--quantity-kg", "120000", "--report", report, "--monitoring-start", "2025-01-01", "--monitoring-end", "2025-12-31"])
        try tx("issue-credits", "cn-registry", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "100000", "--owner", owner])
        try tx("transfer-credits", "solar-owner", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--to", bank])
        try tx("retire-credits", "green-bank", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--beneficiary", "Acme Steel AG", "--reason", "2025 scope 1 offset"])
        try tx("issue-bond", "city-issuer", ["--id", "GB-2026-01", "--currency", "EUR", "--face-value", "1000000000", "--term-months", "60", "--eligible", "renewable-energy,clean-transportation"])
        try tx("allocate-proceeds", "city-issuer", ["--bond", "GB-2026-01", "--project", "solar-gansu-1", "--amount", "250000000"])

        // Accounts.
        let account = try query(["account", bank])
        #expect(account.contains("account \(bank)") && account.contains("nonce   1"), "\(account)")
        let accounts = try json(ListBody<AccountBody>.self, ["accounts"])
        #expect(accounts.items.contains { $0.address == bank && $0.nonce == 1 })
        #expect(try query(["accounts"]).contains(owner))

        // Projects, paged one at a time.
        let projects = try query(["projects"])
        #expect(projects.contains("solar-gansu-1") && projects.contains("mall-1") && projects.contains("2 projects at height"), "\(projects)")
        let firstPage = try json(ListBody<ProjectBody>.self, ["projects", "--limit", "1"])
        #expect(firstPage.items.map(\.projectId) == ["mall-1"])
        let cursor = try #require(firstPage.next)
        #expect(try query(["projects", "--limit", "1"]).contains("more: --after \(cursor)"))
        let secondPage = try json(ListBody<ProjectBody>.self, ["projects", "--limit", "1", "--after", cursor])
        #expect(secondPage.items.map(\.projectId) == ["solar-gansu-1"] && secondPage.next == nil)
        #expect(try json(ListBody<ProjectBody>.self, ["projects", "--limit", "1", "--all"]).items.count == 2)
        #expect(try query(["projects", "--category", "green-buildings"]).contains("mall-1"))
        #expect(!(try query(["projects", "--owner", owner, "--category", "green-buildings"]).contains("solar-gansu-1")))
        let project = try query(["project", "solar-gansu-1"])
        #expect(project.contains("120,000 kg CO2e") && project.contains("100,000 kg CO2e") && project.contains("95,000 kg CO2e"), "\(project)")
        let projectJSON = try json(ProjectDetailBody.self, ["project", "solar-gansu-1"])
        #expect(projectJSON.vintages.first?.heldKg == "95000" && projectJSON.vintages.first?.retiredKg == "5000")

        // Attestations, credits, retirements.
        let attestations = try query(["attestations", "--verifier", verifier])
        #expect(attestations.contains("solar-gansu-1") && attestations.contains("120,000 kg CO2e"), "\(attestations)")
        let credits = try json(ListBody<CreditBlockBody>.self, ["credits", "--project", "solar-gansu-1", "--vintage", "2025"])
        #expect(credits.items.map(\.firstSerial) == ["1", "5001"])
        let held = try query(["credits", "--owner", owner, "--status", "held"])
        #expect(held.contains("5001–100000") && held.contains("95,000 kg CO2e") && !held.contains("1–5000 "), "\(held)")
        let bySerial = try json(ListBody<CreditBlockBody>.self, ["credits", "--project", "solar-gansu-1", "--vintage", "2025", "--serial", "4200"])
        #expect(bySerial.items.map(\.status) == ["retired"] && bySerial.items.first?.retirement?.beneficiary == "Acme Steel AG")
        let retirements = try query(["retirements", "--beneficiary", "Acme Steel AG"])
        #expect(retirements.contains("2025 scope 1 offset") && retirements.contains("5,000 kg CO2e"), "\(retirements)")
        #expect(try query(["retirements", "--project", "mall-1"]).contains("no retirements"))

        // Bonds.
        let bonds = try query(["bonds"])
        #expect(bonds.contains("GB-2026-01") && bonds.contains("10,000,000.00 EUR") && bonds.contains("7,500,000.00 EUR"), "\(bonds)")
        let bond = try query(["bond", "GB-2026-01"])
        #expect(bond.contains("allocated   2,500,000.00 EUR") && bond.contains("renewable-energy"), "\(bond)")
        let bondJSON = try json(BondDetailBody.self, ["bond", "GB-2026-01"])
        #expect(bondJSON.categoryTotals.map(\.amount) == ["250000000"] && bondJSON.bond.unallocated == "750000000")

        // Transactions and blocks.
        let sent = try json(ListBody<TransactionSummaryBody>.self, ["transactions", "--sender", owner])
        #expect(sent.items.map(\.nonce) == [1, 2] && sent.items.map(\.kind) == ["register-project", "transfer-credits"])
        let transactionID = try #require(sent.items.first?.id)
        let transaction = try query(["tx", transactionID])
        #expect(transaction.contains("status      committed") && transaction.contains("receipt     success"), "\(transaction)")
        let blocks = try json(ListBody<BlockSummaryBody>.self, ["blocks", "--all", "--limit", "2"])
        #expect(blocks.items.count == Int(blocks.height) && blocks.items.reduce(0) { $0 + $1.transactionCount } >= 8)
        #expect(try query(["blocks", "--limit", "1"]).contains("more: --after"))
        let block = try query(["block", String(sent.items[0].height)])
        #expect(block.contains(transactionID), "\(block)")

        // Refusals, in words.
        #expect(try refused(["projects", "--limit", "0"]).contains("--limit must be a whole number from 1 to 1000"))
        #expect(try refused(["account", "alice"]).contains("is not an address"))
        #expect(try refused(["credits", "--serial", "5"]).contains("--serial needs --project and --vintage"))
        #expect(try refused(["credits", "--status", "lost"]).contains("issued, retired, cancelled or suspended"))
        #expect(try refused(["projects", "--category", "coal"]).contains("is not one of"))
        #expect(try refused(["projects", "--after", "garbage"]).contains("cursor"))
        #expect(try refused(["project", "no-such-project"]).contains("no project no-such-project is registered"))
        #expect(try refused(["bond", "GB-0"]).contains("no bond GB-0"))
        #expect(try refused(["block", "0"]).contains("from 1"))
        #expect(try refused(["tx", "abc"]).contains("64 hex digits"))
    }
}
