import Foundation
import Node
import Testing

/// An operator's path on real processes: bad numbers refused before anything starts, a
/// consortium of one's own from `genesis init` to running, one validator stopped and started,
/// and `status` exits that tell trouble from health.
@Suite("operator experience", .serialized)
struct OperatorEndToEndTests {
    @Test("numeric options out of range are refused with a sentence (exit 64) before anything starts")
    func numericOptions() throws {
        let net = try TestnetHarness()
        let transfer = ["tx", "transfer", "--key", "none.pem", "--node", "http://127.0.0.1:1", "--to", "gl" + String(repeating: "0", count: 40), "--category", "renewable-energy"]
        let cases: [([String], String)] = [
            (transfer + ["--amount", "5", "--wait-seconds", "-1"], "--wait-seconds -1.0 is not a number of seconds from 0.1 to 3600"),
            (transfer + ["--amount", "5", "--wait-seconds", "nan"], "--wait-seconds nan is not a number of seconds"),
            (transfer + ["--amount", "5", "--wait-seconds", "inf"], "--wait-seconds inf is not a number of seconds"),
            (transfer + ["--amount", "5", "--wait-seconds", "1e308"], "is not a number of seconds from 0.1 to 3600"),
            (transfer + ["--amount", "-5"], "negative; give minor units of the currency"),
            (transfer + ["--amount", "12.50"], "without a decimal point or separators, e.g. 1250 for EUR 12.50"),
            (transfer + ["--amount", "0"], "zero; give minor units"),
            (["testnet", "up", "--dir", "\(net.directory)/a", "--timeout", "nan"], "--timeout nan is not a number of seconds from 1 to 3600"),
            (["testnet", "up", "--dir", "\(net.directory)/b", "--base-port", "65534"], "--base-port 65534 leaves no room for 4 ports"),
            (["testnet", "up", "--dir", "\(net.directory)/c", "--api-base-port", "0"], "--api-base-port 0 leaves no room"),
            (["genesis", "init", "--out", "\(net.directory)/d", "--base-port", "65535", "--validators", "4"], "--base-port 65535 leaves no room for 4 ports"),
            (["proof", "tx", String(repeating: "ab", count: 32), "--node", "http://127.0.0.1:1", "--out", "p.json", "--wait-seconds", "nan"], "--wait-seconds nan"),
        ]
        for (arguments, expected) in cases {
            let result = try net.run(arguments)
            #expect(result.status == 64, "\(arguments.joined(separator: " ")): \(result.output)")
            #expect(result.output.contains(expected), "\(arguments.joined(separator: " ")): \(result.output)")
            #expect(!result.output.contains("Fatal error") && !result.output.contains("Stack dump"), "\(result.output)")
        }
        for created in ["a", "b", "c", "d"] { #expect(!FileManager.default.fileExists(atPath: "\(net.directory)/\(created)")) }

        let initJSON = try net.run(["genesis", "init", "--out", "\(net.directory)/e", "--validators", "4", "--json"])
        let created = try #require(try JSONSerialization.jsonObject(with: Data(initJSON.output.utf8)) as? [String: Any], "\(initJSON.output)")
        #expect((created["homes"] as? [String])?.count == 4 && (created["genesis"] as? [String: Any])?["rules"] != nil, "\(initJSON.output)")
    }

    @Test("genesis init → testnet up --dir → stop and start one validator (node start from a relative home) → status exits 1 on trouble")
    func ownConsortium() async throws {
        let net = try TestnetHarness()
        let out = "\(net.directory)/consortium"
        let ports = ["--base-port", "\(net.basePort)", "--api-base-port", "\(net.apiBasePort)"]
        defer { _ = try? net.run(["testnet", "down", "--dir", out], timeoutSeconds: 60) }

        // A refused plan writes nothing, so the corrected command runs as is.
        let refused = try net.run(["genesis", "init", "--out", out, "--member", "bank:participant", "--balance", "bnak:EUR:500000"] + ports)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("nothing was written") && refused.output.contains(#""bnak" is not a member"#), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let created = try net.run(["genesis", "init", "--out", out, "--member", "bank:participant", "--member", "fund:participant", "--balance", "bank:EUR:500000"] + ports)
        #expect(created.status == 0, "\(created.output)")
        for index in 0..<4 { #expect(FileManager.default.fileExists(atPath: "\(out)/node-\(index)/node.json")) }

        let up = try net.run(["testnet", "up", "--dir", out, "--timeout", "90"], timeoutSeconds: 150)
        #expect(up.status == 0, "\(up.output)")
        #expect(up.output.contains("tx transfer --key \(out)/keys/bank.pem"), "\(up.output)")
        let healthy = try net.run(["testnet", "status", "--dir", out])
        #expect(healthy.status == 0 && healthy.output.contains("healthy"), "\(healthy.output)")
        let again = try net.run(["testnet", "up", "--dir", out, "--nodes", "7"])
        #expect(again.status == 1 && again.output.contains("--nodes 7 (it has 4) only apply when one is created"), "\(again.output)")

        // One validator down: status says so and exits 1.
        let down = try net.run(["testnet", "down", "--dir", out, "--node", "1"], timeoutSeconds: 60)
        #expect(down.status == 0 && down.output.contains("stopped node-1"), "\(down.output)")
        let oneDown = try net.run(["testnet", "status", "--dir", out])
        #expect(oneDown.status == 1 && oneDown.output.contains("problem: node-1 is stopped"), "\(oneDown.output)")

        // Started by hand from inside the consortium directory: `--home node-1` is relative, its
        // node.json says ../genesis.json; the node writes its own pid file, so status sees it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: net.binary)
        process.arguments = ["node", "start", "--home", "node-1"]
        process.currentDirectoryURL = URL(fileURLWithPath: out)
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        try await waitUntil("node-1 started by hand to count as running and healthy", timeoutSeconds: 60) {
            ((try? net.run(["testnet", "status", "--dir", out]))?.status ?? 1) == 0
        }
        let twice = try net.run(["node", "start", "--home", "node-1"], workingDirectory: out)
        #expect(twice.status == 1 && twice.output.contains("a node already runs on node-1 (pid \(process.processIdentifier))"), "\(twice.output)")
        let stop = try net.run(["node", "stop", "--home", "node-1"], timeoutSeconds: 60, workingDirectory: out)
        #expect(stop.status == 0 && stop.output.contains("stopped the node on node-1 (pid \(process.processIdentifier))"), "\(stop.output)")
        #expect(!process.isRunning)
        let stopAgain = try net.run(["node", "stop", "--home", "node-1", "--json"], workingDirectory: out)
        #expect((try JSONSerialization.jsonObject(with: Data(stopAgain.output.utf8)) as? [String: Any])?["stopped"] as? Bool == false, "\(stopAgain.output)")

        // Two of four down: the survivors cannot reach a quorum, and say so.
        _ = try net.run(["testnet", "down", "--dir", out, "--node", "2"], timeoutSeconds: 60)
        try await waitUntil("validator-0 to report no quorum", timeoutSeconds: 30) {
            let status = try? net.run(["status", "--node", "http://127.0.0.1:\(net.apiBasePort)", "--genesis", "\(out)/genesis.json"])
            return status?.status == 1 && status?.output.contains("no quorum: 2 validators reachable including this one, a quorum is 3") == true
        }
        // A transaction sent while nothing can commit: accepted, not committed, and the error
        // names the command that checks on it later.
        let fund = try net.run(["keys", "show", "\(out)/keys/fund.pem", "--json"])
        let fundAddress = try #require((try JSONSerialization.jsonObject(with: Data(fund.output.utf8)) as? [String: Any])?["address"] as? String, "\(fund.output)")
        let stuck = try net.run(["tx", "transfer", "--key", "\(out)/keys/bank.pem", "--to", fundAddress, "--amount", "100", "--category", "renewable-energy",
                                 "--node", "http://127.0.0.1:\(net.apiBasePort)", "--genesis", "\(out)/genesis.json", "--wait", "--wait-seconds", "1"])
        #expect(stuck.status == 1 && stuck.output.contains("not committed within 1 s; it is accepted and may still commit — check with: greenledger query tx "), "\(stuck.output)")
        let health = try await NodeClient(url: "http://127.0.0.1:\(net.apiBasePort)").health()
        #expect(health.httpStatus == 503 && health.body.status == "degraded" && health.body.problems?.first?.code == "no-quorum")
        let restarted = try net.run(["testnet", "up", "--dir", out, "--timeout", "90"], timeoutSeconds: 150)
        #expect(restarted.status == 0 && restarted.output.contains("node-0 is already running"), "\(restarted.output)")
        let back = try net.run(["status", "--node", "http://127.0.0.1:\(net.apiBasePort)", "--node", "http://127.0.0.1:\(net.apiBasePort + 3)", "--json"])
        #expect(back.status == 0 && back.output.contains(#""healthy" : true"#), "\(back.output)")

        let unknown = try net.run(["query", "tx", String(repeating: "0", count: 64), "--node", "http://127.0.0.1:\(net.apiBasePort)"])
        #expect(unknown.status == 1 && unknown.output.contains("is neither pending nor committed"), "\(unknown.output)")

        let downJSON = try net.run(["testnet", "down", "--dir", out, "--json"], timeoutSeconds: 60)
        let stopped = try #require((try JSONSerialization.jsonObject(with: Data(downJSON.output.utf8)) as? [String: Any])?["stopped"] as? [[String: Any]], "\(downJSON.output)")
        #expect(stopped.compactMap { $0["name"] as? String }.sorted() == ["node-0", "node-1", "node-2", "node-3"], "\(downJSON.output)")
    }

    @Test("errors say what to do, and --json on tx, keys, genesis and verify-proof gives amounts as strings and API key spellings")
    func errorsAndJSON() async throws {
        let net = try TestnetHarness(nodes: 1)
        _ = try net.up()
        let node = ["--node", "https://127.0.0.1:\(net.apiBasePort)", "--ca", net.caPath]
        let genesisPath = "\(net.directory)/genesis.json"

        // A genesis amount that is not a whole number of minor units names its field.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: genesisPath))) as? [String: Any])
        var balances = try #require(object["balances"] as? [[String: Any]])
        balances[0]["amount"] = -5
        object["balances"] = balances
        let badGenesis = "\(net.directory)/negative-genesis.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: badGenesis))
        let negative = try net.run(["genesis", "show", badGenesis])
        #expect(negative.status == 1 && negative.output.contains("balances[0].amount: -5 is negative"), "\(negative.output)")

        // The peer port where the API port belongs, a port nobody listens on, an https URL for
        // a plain-HTTP port: each says what is wrong.
        let peerPort = try net.run(["query", "accounts", "--node", "http://127.0.0.1:\(net.basePort)"])
        #expect(peerPort.status == 1 && peerPort.output.contains("is this a validator's client API port"), "\(peerPort.output)")
        #expect(!peerPort.output.contains("invalid constant string"))
        let nobody = try net.run(["query", "accounts", "--node", "http://127.0.0.1:\(net.apiBasePort + 7)"])
        #expect(nobody.status == 1 && nobody.output.contains("connection refused: nothing listens on that port; is it running?"), "\(nobody.output)")
        #expect(!nobody.output.contains("SingleConnectionFailure"), "\(nobody.output)")
        let unknownProject = try net.run(["query", "project", "no-such-project"] + node)
        #expect(unknownProject.status == 1 && unknownProject.output.contains("`greenledger query projects` lists them"), "\(unknownProject.output)")
        #expect(!unknownProject.output.contains("GET /v1/"), "\(unknownProject.output)")
        let badName = try net.run(["tx", "register-project", "--key", "\(net.directory)/keys/solar-owner.pem", "--id", "has spaces", "--name", "x", "--category", "renewable-energy", "--location", "x"] + node)
        #expect(badName.status == 1 && badName.output.contains(#"--id "has spaces" is not an identifier: 1…64 characters"#), "\(badName.output)")
        let byName = try net.run(["query", "account", "green-bank", "--genesis", genesisPath] + node)
        #expect(byName.status == 0 && byName.output.contains("(green-bank)") && byName.output.contains("10,000,000.00 EUR"), "\(byName.output)")

        // --json: a committed transfer, its proof checked offline, a key, the genesis.
        let owner = try net.key("solar-owner").publicKey.address.description
        let sent = try net.run(["tx", "transfer", "--key", "\(net.directory)/keys/green-bank.pem", "--to", owner, "--amount", "1250", "--currency", "EUR",
                                "--category", "renewable-energy", "--genesis", genesisPath, "--wait", "--json"] + node)
        #expect(sent.status == 0, "\(sent.output)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(sent.output.utf8)) as? [String: Any], "\(sent.output)")
        #expect(outcome["status"] as? String == "committed" && (outcome["receipt"] as? [String: Any])?["success"] as? Bool == true)
        let id = try #require(outcome["id"] as? String)
        let shownTransaction = try net.run(["query", "tx", id] + node)
        #expect(shownTransaction.status == 0 && shownTransaction.output.contains("kind        transfer-funds")
            && shownTransaction.output.contains("amount      12.50 EUR") && shownTransaction.output.contains("receipt     success"), "\(shownTransaction.output)")
        let proofPath = "\(net.directory)/transfer.proof.json"
        let proof = try net.run(["proof", "tx", id, "--out", proofPath, "--json"] + node)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(proof.output.utf8)) as? [String: Any], "\(proof.output)")
        #expect(proof.status == 0 && written["file"] as? String == proofPath && (written["record"] as? [String: Any])?["transactionId"] as? String == id)
        let verdict = try net.run(["verify-proof", proofPath, "--genesis", genesisPath, "--json"])
        let verdictJSON = try #require(try JSONSerialization.jsonObject(with: Data(verdict.output.utf8)) as? [String: Any], "\(verdict.output)")
        #expect(verdict.status == 0 && verdictJSON["valid"] as? Bool == true && (verdictJSON["record"] as? [String: Any])?["transactionId"] as? String == id)
        let key = try net.run(["keys", "show", "\(net.directory)/keys/solar-owner.pem", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(key.output.utf8)) as? [String: Any])?["address"] as? String == owner, "\(key.output)")
        let shown = try net.run(["genesis", "show", genesisPath, "--json"])
        let genesisJSON = try #require(try JSONSerialization.jsonObject(with: Data(shown.output.utf8)) as? [String: Any], "\(shown.output)")
        let firstBalance = try #require((genesisJSON["balances"] as? [[String: Any]])?.first)
        #expect(genesisJSON["chainId"] as? String == "greenledger-testnet" && firstBalance["amount"] is String, "\(shown.output)")
        let text = try net.run(["genesis", "show", genesisPath])
        #expect(text.output.contains("green-bank 10,000,000.00 EUR") && text.output.contains("city-issuer issuer+participant"), "\(text.output)")
        #expect(text.output.contains("rules:        currencies EUR (2 decimals)") && text.output.contains("JPY (0 decimals)"), "\(text.output)")

        // Refusals the CLI sees before signing cost no nonce: a transfer to oneself, a currency
        // the genesis does not list (eur is not EUR).
        let bank = try net.key("green-bank").publicKey.address.description
        let toSelf = try net.run(["tx", "transfer", "--key", "\(net.directory)/keys/green-bank.pem", "--to", bank, "--amount", "5", "--category", "renewable-energy"] + node)
        #expect(toSelf.status == 1 && toSelf.output.contains("a transfer to yourself moves nothing"), "\(toSelf.output)")
        let lower = try net.run(["tx", "transfer", "--key", "\(net.directory)/keys/green-bank.pem", "--to", owner, "--amount", "5", "--currency", "eur",
                                 "--category", "renewable-energy", "--genesis", genesisPath] + node)
        #expect(lower.status == 1 && lower.output.contains("--currency eur is not one of this ledger's currencies: EUR, USD"), "\(lower.output)")
        let account = try net.run(["query", "account", "green-bank", "--genesis", genesisPath, "--json"] + node)
        #expect((try JSONSerialization.jsonObject(with: Data(account.output.utf8)) as? [String: Any])?["nonce"] as? Int == 1, "\(account.output)")
    }
}
