import ArgumentParser
import Foundation
import Storage
import LedgerCrypto
import LedgerCore
import Node

struct TestnetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testnet",
        abstract: "Run a local network of validators on this machine.",
        subcommands: [Up.self, Status.self, Down.self]
    )

    static let loadAccountsMax = 5_000

    /// load-0000, load-0001, …: the funded participants `testnet up --load-accounts` adds.
    static func loadAccountNames(_ count: Int) -> [String] {
        (0..<count).map { "load-" + String(repeating: "0", count: max(0, 4 - String($0).count)) + String($0) }
    }

    struct Options: ParsableArguments {
        @Option(help: "The testnet's directory (genesis, keys, one home per validator).")
        var dir: String = "./testnet"
    }

    /// `--node INDEX`: one validator of the testnet instead of all.
    struct NodeSelection: ParsableArguments {
        @Option(name: .customLong("node"), help: ArgumentHelp("Only validator INDEX (node-INDEX), e.g. to stop and restart one.", valueName: "index"))
        var index: Int?

        /// The selected indices among `existing`, or a sentence saying why not.
        func indices(among existing: [Int], in directory: String) throws -> [Int] {
            guard let index else { return existing }
            guard existing.contains(index) else {
                throw CLIError("--node \(index): the testnet in \(directory) has validators node-0 … node-\(max(existing.count - 1, 0)) (\(existing.count))")
            }
            return [index]
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (first time) and start N validators in the background; wait until they are connected.",
            discussion: """
                The first run creates DIR/genesis.json, DIR/keys/ (validators and a demo consortium: \
                registry, verifier, bank, issuer, project owner, auditor) and DIR/node-i/node.json. \
                Later runs restart the same network with its data. Each node logs to DIR/node-i/node.log.

                Example: greenledger testnet up --nodes 4
                """
        )

        @OptionGroup var options: Options
        @OptionGroup var selection: NodeSelection

        @Option(help: "Validators to run (first run only; default 4, which tolerates 1 fault).")
        var nodes: Int?

        @Option(help: "Peer port of validator 0 (first run only; default 7100); validator i uses base + i.")
        var basePort: Int?

        @Option(help: "Client API port of validator 0 (first run only; default 8100); validator i uses base + i.")
        var apiBasePort: Int?

        @Option(help: "Seconds to wait for every validator to connect to all its peers (1…3600).")
        var timeout: Double = 60

        @Option(help: ArgumentHelp(
            "Extra funded participants for load tests (first run only): members load-0000 … with 10,000,000.00 EUR each and keys in DIR/keys/.",
            valueName: "count"))
        var loadAccounts: Int?

        @Flag(help: "Print the running testnet as JSON at the end (progress goes to stderr).")
        var json = false

        /// A line for people: stdout, or stderr with --json so stdout holds only the JSON.
        private func say(_ line: String) { if json { ProgressOutput.line(line) } else { print(line) } }

        func validate() throws {
            try OptionCheck.seconds(timeout, "--timeout", in: 1...3_600)
            let count = nodes ?? 4
            try OptionCheck.count(count, "--nodes", in: 1...64)
            try OptionCheck.basePort(basePort ?? 7_100, "--base-port", count: count)
            try OptionCheck.basePort(apiBasePort ?? 8_100, "--api-base-port", count: count)
            try OptionCheck.count(loadAccounts ?? 0, "--load-accounts", in: 0...TestnetCommand.loadAccountsMax)
            if let index = selection.index { try OptionCheck.count(index, "--node", in: 0...63) }
        }

        func run() async throws {
            let layout = TestnetLayout(directory: options.dir)
            let isNew = !FileManager.default.fileExists(atPath: layout.genesisPath)
            if isNew {
                guard selection.index == nil else { throw CLIError("--node: there is no testnet in \(options.dir) yet; create it with `greenledger testnet up --dir \(options.dir)`") }
                try create(layout)
            } else {
                try refuseFirstRunOptions(layout)
            }
            let existing = layout.nodeIndices()
            guard !existing.isEmpty else {
                throw CLIError("""
                    \(options.dir) holds a genesis but no validator homes (\(layout.configPath(0)) is missing). \
                    `greenledger genesis init --out DIR` writes them beside the genesis; for a genesis made elsewhere, \
                    write DIR/node-i/node.json per validator (docs/operations.md)
                    """)
            }
            let selected = try selection.indices(among: existing, in: options.dir)
            let running = selected.filter { layout.runningPID($0) != nil }
            guard running.count < selected.count else {
                if let index = selection.index {
                    say("node-\(index) is already running (pid \(layout.runningPID(index) ?? 0)); nothing to do")
                    return
                }
                throw CLIError("a testnet is already running in \(options.dir) (\(running.count) validators); stop it with `greenledger testnet down --dir \(options.dir)`")
            }
            for index in running { say("node-\(index) is already running (pid \(layout.runningPID(index) ?? 0)); leaving it") }
            if !isNew && selection.index == nil { say("restarting the testnet in \(options.dir) (data kept)") }
            let genesis = try Genesis(contentsOfFile: layout.genesisPath)
            guard existing.count == genesis.validators.count else {
                throw CLIError("\(options.dir) has \(existing.count) validator homes for the \(genesis.validators.count) validators of its genesis; write the missing node-i/node.json (docs/operations.md)")
            }
            var endpoints: [(Int, NodeConfiguration)] = []
            for index in selected {
                let configuration: NodeConfiguration
                do { configuration = try NodeConfiguration.load(home: layout.nodeHome(index)) } catch { throw CLIError("node-\(index): \(error)") }
                endpoints.append((index, configuration))
                guard !running.contains(index) else { continue }
                let peerPort = Int(genesis.validators[index].port)
                for port in [peerPort, configuration.apiPort] where !LocalProcess.isPortFree(port) {
                    throw CLIError("port \(port) (node-\(index)) is in use by another program; free it or create the testnet in another --dir with other --base-port/--api-base-port")
                }
            }
            let executable = LocalProcess.ownExecutable
            for (index, _) in endpoints where !running.contains(index) {
                let pid = try LocalProcess.spawnDetached(executable, ["node", "start", "--home", layout.nodeHome(index)], logPath: layout.logPath(index))
                try "\(pid)\n".write(toFile: layout.pidPath(index), atomically: true, encoding: .utf8)
                say("started node-\(index) (pid \(pid)), log \(layout.logPath(index))")
            }
            try await waitUntilConnected(layout, endpoints)
            if json {
                print(try CLIJSON.render(TestnetSummary(layout: layout, genesis: genesis, endpoints: endpoints)))
            } else if selection.index == nil {
                printNextSteps(layout, genesis, endpoints)
            }
        }

        /// First-run options on an existing testnet would be ignored: refuse the ones that
        /// differ from what the testnet already is, so nobody believes they got 7 validators.
        private func refuseFirstRunOptions(_ layout: TestnetLayout) throws {
            let genesis: Genesis
            do { genesis = try Genesis(contentsOfFile: layout.genesisPath) } catch { throw CLIError("\(layout.genesisPath): \(error)") }
            let apiPort = (try? NodeConfiguration.load(home: layout.nodeHome(0)))?.apiPort
            let loadCount = genesis.members.filter { $0.name.value.hasPrefix("load-") }.count
            var conflicts: [String] = []
            if let nodes, nodes != genesis.validators.count { conflicts.append("--nodes \(nodes) (it has \(genesis.validators.count))") }
            if let basePort, basePort != Int(genesis.validators.first?.port ?? 0) { conflicts.append("--base-port \(basePort) (it uses \(genesis.validators.first?.port ?? 0))") }
            if let apiBasePort, let apiPort, apiBasePort != apiPort { conflicts.append("--api-base-port \(apiBasePort) (it uses \(apiPort))") }
            if let loadAccounts, loadAccounts != loadCount { conflicts.append("--load-accounts \(loadAccounts) (it has \(loadCount))") }
            guard conflicts.isEmpty else {
                throw CLIError("\(options.dir) already holds a testnet; \(conflicts.joined(separator: ", ")) only apply when one is created. Drop them to restart it, or create a new one with another --dir")
            }
        }

        private func create(_ layout: TestnetLayout) throws {
            let nodes = self.nodes ?? 4, basePort = self.basePort ?? 7_100, apiBasePort = self.apiBasePort ?? 8_100
            let loadAccounts = self.loadAccounts ?? 0
            for port in Array(basePort..<(basePort + nodes)) + Array(apiBasePort..<(apiBasePort + nodes)) where !LocalProcess.isPortFree(port) {
                throw CLIError("port \(port) is in use; choose other --base-port/--api-base-port")
            }
            let plan = try ConsortiumPlan(
                validators: nodes, chainID: "greenledger-testnet", host: "127.0.0.1", basePort: basePort,
                members: DemoConsortium.members + TestnetCommand.loadAccountNames(loadAccounts).map { "\($0):participant" },
                balances: DemoConsortium.balances + TestnetCommand.loadAccountNames(loadAccounts).map { "\($0):EUR:1000000000" })
            let created = try plan.write(to: layout.directory)
            // The client APIs serve HTTPS with certificates from a CA of this testnet's own.
            let authority = try TLSCertificateAuthority(commonName: "greenledger testnet CA \(created.genesis.hash.shortHex)")
            try authority.certificatePEM.write(toFile: layout.caPath, atomically: true, encoding: .utf8)
            try FileModes.set(FileModes.sharedFile, at: layout.caPath)
            for index in 0..<nodes {
                var configuration = NodeConfiguration(
                    genesis: "../genesis.json", validatorKey: "../keys/validator-\(index).pem", dataDirectory: "data",
                    apiHost: "127.0.0.1", apiPort: apiBasePort + index)
                let home = layout.nodeHome(index)
                try FileModes.createPrivateDirectory(home)
                let apiKey = try SigningKey()
                let certificate = try authority.issueServerCertificate(
                    for: apiKey, commonName: "node-\(index)", subjectAltNames: ["IP:127.0.0.1", "DNS:localhost"], serial: 2 + index)
                try certificate.write(toFile: "\(home)/\(TestnetLayout.apiCertificateFile)", atomically: true, encoding: .utf8)
                try FileModes.set(FileModes.sharedFile, at: "\(home)/\(TestnetLayout.apiCertificateFile)")
                try KeyFiles.writePrivateKey(apiKey, to: "\(home)/\(TestnetLayout.apiKeyFile)")
                configuration.apiCertificate = TestnetLayout.apiCertificateFile
                configuration.apiPrivateKey = TestnetLayout.apiKeyFile
                try configuration.write(home: home)
            }
            say("created a \(nodes)-validator testnet in \(layout.directory), genesis \(created.genesis.hash.shortHex); client APIs over HTTPS, CA \(layout.caPath)")
        }

        private func waitUntilConnected(_ layout: TestnetLayout, _ endpoints: [(Int, NodeConfiguration)]) async throws {
            let deadline = Date().addingTimeInterval(timeout)
            var lastLine = ""
            while true {
                var ready = 0
                var views: [UInt64: Int] = [:]
                for (index, configuration) in endpoints {
                    guard layout.runningPID(index) != nil else {
                        let tail = (try? String(contentsOfFile: layout.logPath(index), encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
                        throw CLIError("node-\(index) exited during startup; the end of \(layout.logPath(index)):\n\(tail)")
                    }
                    let client = try layout.client(configuration, requestTimeoutMillis: 2_000)
                    if let status = try? await client.status() {
                        views[status.view, default: 0] += 1
                        // Linked to every peer that runs (all of them, unless some were stopped
                        // with `testnet down --node`).
                        let peersRunning = layout.nodeIndices().filter { $0 != index && layout.runningPID($0) != nil }.count
                        if status.peersConnected >= min(peersRunning, status.peersTotal) { ready += 1 }
                    }
                }
                // Ready when every validator is linked to all its peers and a quorum of them share a
                // view. A validator left alone in a higher view (it timed out alone before a
                // restart) follows the others' commits and rejoins at their next view change; it
                // never moves back, so waiting for identical views could wait forever.
                let sharedView = views.max { ($0.value, $1.key) < ($1.value, $0.key) }
                let quorum = (try? Genesis(contentsOfFile: layout.genesisPath))?.validatorSet.quorum ?? endpoints.count
                let viewText = views.count > 1
                    ? ", views " + views.keys.sorted().map { "\($0): \(views[$0]!)" }.joined(separator: ", ")
                    : ""
                let line = "  \(ready)/\(endpoints.count) validators connected to all their peers\(viewText)"
                if line != lastLine { say(line); lastLine = line }
                // One validator started alone joins the others' view by itself; only a whole
                // network needs a quorum in one view before it can commit.
                if ready == endpoints.count, let sharedView, sharedView.value >= min(quorum, endpoints.count) { return }
                guard Date() < deadline else {
                    if ready == endpoints.count {
                        throw CLIError("validators are connected but no quorum of them shares a view within \(Int(timeout)) s (\(viewText.dropFirst(2))); see the node logs in \(layout.directory)/node-*/node.log")
                    }
                    throw CLIError("validators did not all connect within \(Int(timeout)) s; see the node logs in \(layout.directory)/node-*/node.log")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }

        private func printNextSteps(_ layout: TestnetLayout, _ genesis: Genesis, _ endpoints: [(Int, NodeConfiguration)]) {
            print("\nthe testnet is up: chain \(genesis.chainID), genesis \(genesis.hash.shortHex), \(genesis.validatorSet.toleranceSummary)")
            if let warning = genesis.validatorSet.toleranceWarning { print(warning) }
            print("client APIs:")
            for (index, configuration) in endpoints { print("  node-\(index)  \(layout.apiURL(configuration))") }
            if endpoints.contains(where: { $0.1.apiCertificate != nil }) { print("  (HTTPS: pass --ca \(layout.caPath) to the CLI)") }
            print("member keys in \(layout.keysDirectory):")
            for member in genesis.members {
                print("  \(member.name.value.padding(toLength: 14, withPad: " ", startingAt: 0)) \(member.roles.map(\.name).joined(separator: "+").padding(toLength: 20, withPad: " ", startingAt: 0)) \(layout.keysDirectory)/\(member.name).pem")
            }
            let api = endpoints.first.map { layout.nodeArguments($0.1).joined(separator: " ") } ?? "--node URL"
            // The binary as the user typed it, so the commands can be pasted as they are.
            let command = CommandLine.arguments.first ?? "greenledger"
            // A transfer between two members of this genesis: the first with an opening balance
            // and a key file here, to any other member.
            let funded = genesis.balances.first { balance in
                FileManager.default.fileExists(atPath: "\(layout.keysDirectory)/\(balance.member).pem")
            }
            let recipient = funded.flatMap { balance in genesis.members.first { $0.name != balance.member } }
            var next = ["", "next:"]
            if let funded, let recipient {
                next.append("  \(command) tx transfer --key \(layout.keysDirectory)/\(funded.member).pem --to \(recipient.address) --amount 25000 --currency \(funded.currency) --category renewable-energy \(api) --genesis \(layout.genesisPath) --wait")
            }
            next.append("  \(command) testnet status --dir \(layout.directory)")
            next.append("  \(command) testnet down --dir \(layout.directory)")
            print(next.joined(separator: "\n"))
        }
    }
}

/// `testnet up --json`: the running testnet.
struct TestnetSummary: Encodable {
    struct Node: Encodable { var name: String, pid: Int32?, api: String, log: String }
    var directory: String
    var chainId: String
    var genesisHash: String
    var genesis: String
    var ca: String?
    var keys: String
    var nodes: [Node]

    init(layout: TestnetLayout, genesis: Genesis, endpoints: [(Int, NodeConfiguration)]) {
        directory = layout.directory
        chainId = genesis.chainID.value
        genesisHash = genesis.hash.hex
        self.genesis = layout.genesisPath
        ca = endpoints.contains { $0.1.apiCertificate != nil } ? layout.caPath : nil
        keys = layout.keysDirectory
        nodes = endpoints.map { index, configuration in
            Node(name: "node-\(index)", pid: layout.runningPID(index), api: layout.apiURL(configuration), log: layout.logPath(index))
        }
    }
}
