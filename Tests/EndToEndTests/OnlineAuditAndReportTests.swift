import Foundation
import LedgerCore
import LedgerCrypto
import Testing

/// The auditor's and regulator's commands against a real 4-node testnet: a short green story
/// through `tx`, then `verify --node` against every node, a refusal for the wrong genesis, and
/// every report kind in text, JSON and CSV with exact figures. docs/guide.md runs the same.
@Suite("End to end: online audit and green-finance reports", .serialized)
struct OnlineAuditAndReportTests {
    @Test("verify --node passes on every node, refuses another genesis, and the reports show the story's figures")
    func onlineAuditAndReports() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let keys = "\(net.directory)/keys"
        let genesisPath = "\(net.directory)/genesis.json"
        let common = ["--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath, "--genesis", genesisPath, "--wait"]
        func address(_ member: String) throws -> String { try net.key(member).publicKey.address.description }
        func tx(_ kind: String, _ member: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try net.run(["tx", kind, "--key", "\(keys)/\(member).pem"] + arguments + common, timeoutSeconds: 60)
        }
        func expectCommitted(_ result: (status: Int32, output: String), _ what: String) {
            #expect(result.status == 0, "\(what): \(result.output)")
            #expect(result.output.contains("receipt: success"), "\(what): \(result.output)")
        }
        let periodsAtStart = Self.quarterAndYear()

        let report = "\(net.directory)/verification-report.txt"
        try "Gansu PV 50 MW, monitoring period 2025".write(toFile: report, atomically: true, encoding: .utf8)
        let owner = try address("solar-owner")
        let bank = try address("green-bank")
        expectCommitted(try tx("register-project", "solar-owner", ["--id", "solar-gansu-1", "--name", "Gansu PV 50 MW", "--category", "renewable-energy", "--location", "Gansu, CN", "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"]), "register solar")
        expectCommitted(try tx("register-project", "city-issuer", ["--id", "tram-lyon", "--name", "Lyon tram, line \"T10\"", "--category", "clean-transportation", "--host-country", "CN", "--methodology", "ACM0002", "--program", "cdm"]), "register tram")
        expectCommitted(try tx("attest-reduction", "tuv-verifier", ["--project", "solar-gansu-1", "--vintage", "2025", "--quantity-kg", "120000", "--report", report, "--monitoring-start", "2025-01-01", "--monitoring-end", "2025-12-31"]), "attest")
        expectCommitted(try tx("issue-credits", "cn-registry", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "100000", "--owner", owner]), "issue")
        expectCommitted(try tx("transfer-credits", "solar-owner", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--to", bank]), "sell credits")
        expectCommitted(try tx("retire-credits", "green-bank", ["--project", "solar-gansu-1", "--vintage", "2025", "--first-serial", "1", "--quantity", "5000", "--beneficiary", "Acme Steel AG", "--reason", "2025 scope 1 offset"]), "retire")
        expectCommitted(try tx("transfer", "green-bank", ["--to", owner, "--amount", "250000", "--currency", "EUR", "--category", "renewable-energy", "--purpose", "PV module deposit"]), "transfer to solar")
        expectCommitted(try tx("transfer", "city-issuer", ["--to", bank, "--amount", "40000", "--currency", "EUR", "--category", "clean-transportation", "--purpose", "tram study"]), "transfer for the tram")
        expectCommitted(try tx("issue-bond", "city-issuer", ["--id", "GB-2026-01", "--currency", "EUR", "--face-value", "1000000000", "--term-months", "60", "--eligible", "renewable-energy,clean-transportation"]), "issue bond")
        expectCommitted(try tx("allocate-proceeds", "city-issuer", ["--bond", "GB-2026-01", "--project", "solar-gansu-1", "--amount", "250000000"]), "allocate solar")
        expectCommitted(try tx("allocate-proceeds", "city-issuer", ["--bond", "GB-2026-01", "--project", "tram-lyon", "--amount", "100000000"]), "allocate tram")
        let periods = periodsAtStart.union(Self.quarterAndYear())

        // verify --node against every node.
        for index in 0..<net.nodes {
            let audit = try net.run(["verify", "--node", "https://127.0.0.1:\(net.apiBasePort + index)", "--ca", net.caPath, "--genesis", genesisPath])
            #expect(audit.status == 0, "node-\(index): \(audit.output)")
            #expect(audit.output.contains("PASSED: blocks 1…"), "node-\(index): \(audit.output)")
            #expect(audit.output.contains("state tables not compared (online"), "node-\(index): \(audit.output)")
            #expect(audit.output.contains("120,000 kg CO2e attested, 100,000 kg CO2e issued, 5,000 kg CO2e retired in 1 retirements"), "node-\(index): \(audit.output)")
            #expect(audit.output.contains("GB-2026-01: 3,500,000.00 EUR of 10,000,000.00 EUR allocated"), "node-\(index): \(audit.output)")
        }

        // Another genesis: refused with a sentence, exit 1.
        var other = try net.genesis
        other.genesisTimeMillis += 1
        let otherPath = "\(net.directory)/other-genesis.json"
        try other.jsonData().write(to: URL(fileURLWithPath: otherPath))
        let refused = try net.run(["verify", "--node", "https://127.0.0.1:\(net.apiBasePort + 1)", "--ca", net.caPath, "--genesis", otherPath])
        #expect(refused.status == 1)
        #expect(refused.output.contains("FAILED at height 0: the data belongs to genesis \(try net.genesis.hash.hex), not the supplied genesis \(other.hash.hex)"), "\(refused.output)")
        let noReport = try net.run(["report", "bonds", "--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath, "--genesis", otherPath])
        #expect(noReport.status != 0)
        #expect(noReport.output.contains("no report: the audit FAILED at height 0"), "\(noReport.output)")
        let both = try net.run(["verify", "--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath, "--data-dir", net.dataDirectory(0), "--genesis", genesisPath])
        #expect(both.status != 0)
        #expect(both.output.contains("give either --data-dir or --node, not both"), "\(both.output)")

        let source = ["--node", "https://127.0.0.1:\(net.apiBasePort + 2)", "--ca", net.caPath, "--genesis", genesisPath]

        // Flows.
        let flowsText = try net.run(["report", "flows"] + source)
        #expect(flowsText.status == 0, "\(flowsText.output)")
        #expect(flowsText.output.contains("Green capital flows by quarter (UTC): chain "), "\(flowsText.output)")
        #expect(flowsText.output.contains(try net.genesis.hash.hex))
        let flows = Self.squeezed(flowsText.output)
        #expect(periods.contains { flows.contains("\n \($0.quarter) renewable-energy 2,502,500.00 EUR 2\n") }, "\(flowsText.output)")
        #expect(periods.contains { flows.contains("\n \($0.quarter) clean-transportation 1,000,400.00 EUR 2\n") }, "\(flowsText.output)")
        #expect(flows.contains("\n renewable-energy 2,502,500.00 EUR 2\n"), "\(flowsText.output)")
        let flowsJSON = try Self.json(try net.run(["report", "flows", "--period", "year", "--json"] + source))
        let flowLines = try #require(flowsJSON["lines"] as? [[String: Any]])
        #expect(flowLines.map { "\($0["category"]!) \($0["currency"]!) \($0["amount"]!) \($0["transfers"]!)" } == [
            "renewable-energy EUR 250250000 2", "clean-transportation EUR 100040000 2",
        ])
        #expect(flowLines.allSatisfy { line in periods.contains { $0.year == line["period"] as? String } })
        let flowsCSV = try Self.csv(try net.run(["report", "flows", "--csv"] + source), header: "period,category,currency,amount_minor,transfers")
        #expect(flowsCSV.suffix(2) == ["total,renewable-energy,EUR,250250000,2", "total,clean-transportation,EUR,100040000,2"])
        #expect(flowsCSV.count == 4)
        #expect(periods.contains { flowsCSV.prefix(2) == ["\($0.quarter),renewable-energy,EUR,250250000,2", "\($0.quarter),clean-transportation,EUR,100040000,2"] }, "\(flowsCSV)")

        // Credits.
        let creditsText = try net.run(["report", "credits"] + source)
        #expect(creditsText.status == 0, "\(creditsText.output)")
        let credits = Self.squeezed(creditsText.output)
        #expect(credits.contains("\n solar-gansu-1 Gansu PV 50 MW renewable-energy CN 2025 120,000 0 100,000 95,000 0 5,000 0 1\n"), "\(creditsText.output)")
        #expect(credits.contains(" solar-gansu-1 2025 1–5000 5,000 Acme Steel AG 2025 scope 1 offset "), "\(creditsText.output)")
        let creditsJSON = try Self.json(try net.run(["report", "credits", "--json"] + source))
        let creditTotals = try #require(creditsJSON["totals"] as? [String: Any])
        // Amounts and quantities are decimal strings in JSON: exact beyond 2^53.
        #expect(creditTotals["heldKg"] as? String == "95000" && creditTotals["retiredKg"] as? String == "5000" && creditTotals["retirements"] as? Int == 1)
        let retirements = try #require(creditsJSON["retirements"] as? [[String: Any]])
        #expect(retirements.count == 1 && retirements.first?["beneficiary"] as? String == "Acme Steel AG" && retirements.first?["lastSerial"] as? Int == 5_000)
        let creditsCSV = try Self.csv(try net.run(["report", "credits", "--csv"] + source), header: "project_id,project_name,category,country,vintage,attested_kg,revoked_kg,issued_kg,held_kg,suspended_kg,retired_kg,cancelled_kg,retirements")
        #expect(creditsCSV == [
            "solar-gansu-1,Gansu PV 50 MW,renewable-energy,CN,2025,120000,0,100000,95000,0,5000,0,1",
            "total,,,,,120000,0,100000,95000,0,5000,0,1",
        ])

        // Bonds (ICMA allocation report).
        let bondsText = try net.run(["report", "bonds"] + source)
        #expect(bondsText.status == 0, "\(bondsText.output)")
        for line in [
            " allocated 3,500,000.00 EUR, 35.00%\n", " unallocated 6,500,000.00 EUR, 65.00%\n",
            " solar-gansu-1 Gansu PV 50 MW renewable-energy 2,500,000.00 EUR 25.00\n",
            " tram-lyon Lyon tram, line \"T10\" clean-transportation 1,000,000.00 EUR 10.00\n",
            " renewable-energy 2,500,000.00 EUR 25.00\n", " clean-transportation 1,000,000.00 EUR 10.00\n", " unallocated 6,500,000.00 EUR 65.00\n",
        ] {
            #expect(Self.squeezed(bondsText.output).contains(line), "\(line)\n\(bondsText.output)")
        }
        let bondsJSON = try Self.json(try net.run(["report", "bonds", "--json"] + source))
        let bond = try #require((bondsJSON["bonds"] as? [[String: Any]])?.first)
        #expect(bond["allocated"] as? String == "350000000" && bond["unallocated"] as? String == "650000000" && bond["allocatedPercent"] as? String == "35.00" && bond["bondId"] as? String == "GB-2026-01")
        let categories = try #require(bond["categories"] as? [[String: Any]])
        #expect(categories.map { "\($0["category"]!) \($0["amount"]!) \($0["sharePercent"]!)" } == [
            "renewable-energy 250000000 25.00", "clean-transportation 100000000 10.00",
        ])
        let issuer = try address("city-issuer")
        let bondsCSV = try Self.csv(try net.run(["report", "bonds", "--csv"] + source), header: "bond_id,issuer,currency,face_value_minor,line,project_id,project_name,category,amount_minor,share_percent")
        #expect(bondsCSV == [
            "GB-2026-01,\(issuer),EUR,1000000000,project,solar-gansu-1,Gansu PV 50 MW,renewable-energy,250000000,25.00",
            "GB-2026-01,\(issuer),EUR,1000000000,project,tram-lyon,\"Lyon tram, line \"\"T10\"\"\",clean-transportation,100000000,10.00",
            "GB-2026-01,\(issuer),EUR,1000000000,category,,,renewable-energy,250000000,25.00",
            "GB-2026-01,\(issuer),EUR,1000000000,category,,,clean-transportation,100000000,10.00",
            "GB-2026-01,\(issuer),EUR,1000000000,unallocated,,,,650000000,65.00",
        ])
    }

    /// Runs of spaces as one space: the text tables' figures without their column widths.
    static func squeezed(_ text: String) -> String {
        var out = ""
        for character in text where !(character == " " && out.last == " ") { out.append(character) }
        return out
    }

    struct Period: Hashable { let quarter: String, year: String }

    /// This moment's UTC quarter and year labels (blocks are timestamped with the nodes' clocks).
    static func quarterAndYear() -> Set<Period> {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: Date())
        return [Period(quarter: "\(parts.year!)-Q\((parts.month! - 1) / 3 + 1)", year: "\(parts.year!)")]
    }

    /// The JSON object in a command's output (stderr's progress lines come first).
    static func json(_ result: (status: Int32, output: String)) throws -> [String: Any] {
        #expect(result.status == 0, "\(result.output)")
        let start = try #require(result.output.range(of: "\n{")?.upperBound ?? (result.output.hasPrefix("{") ? result.output.index(after: result.output.startIndex) : nil), "\(result.output)")
        let text = "{" + result.output[start...]
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The CSV records after `header` (which must be there), each ended by CRLF.
    static func csv(_ result: (status: Int32, output: String), header: String) throws -> [String] {
        #expect(result.status == 0, "\(result.output)")
        let start = try #require(result.output.range(of: header + "\r\n"), "\(result.output)")
        let records = result.output[start.upperBound...]
        #expect(records.hasSuffix("\r\n"))
        return records.components(separatedBy: "\r\n").dropLast().map { String($0) }
    }
}
