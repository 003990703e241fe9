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

        @Option(help: "Validators to run (first run only; 4 tolerates 1 fault).")
        var nodes: Int = 4

        @Option(help: "Peer port of validator 0 (first run only); validator i uses base + i.")
        var basePort: Int = 7100

        @Option(help: "Client API port of validator 0 (first run only); validator i uses base + i.")
        var apiBasePort: Int = 8100

        @Option(help: "Seconds to wait for every validator to connect to all its peers.")
        var timeout: Double = 60

        @Option(help: ArgumentHelp(
            "Extra funded participants for load tests (first run only): members load-0000 … with 10,000,000.00 EUR each and keys in DIR/keys/.",
            valueName: "count"))
        var loadAccounts: Int = 0

        func run() async throws {
            let layout = TestnetLayout(directory: options.dir)
            let existing = layout.nodeIndices()
            let running = existing.filter { layout.runningPID($0) != nil }
            guard existing.isEmpty || running.count < existing.count else {
                throw CLIError("a testnet is already running in \(options.dir) (\(running.count) validators); stop it with `greenledger testnet down --dir \(options.dir)`")
            }
            for index in running { print("node-\(index) is already running (pid \(layout.runningPID(index) ?? 0)); leaving it") }
            if !FileManager.default.fileExists(atPath: layout.genesisPath) {
                try create(layout)
            } else {
                print("restarting the testnet in \(options.dir) (data kept)")
            }
            let genesis = try Genesis(contentsOfFile: layout.genesisPath)
            var endpoints: [(Int, NodeConfiguration)] = []
            for index in layout.nodeIndices() {
                let configuration = try NodeConfiguration.load(home: layout.nodeHome(index))
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
                print("started node-\(index) (pid \(pid)), log \(layout.logPath(index))")
            }
            try await waitUntilConnected(layout, endpoints)
            printNextSteps(layout, genesis, endpoints)
        }

        private func create(_ layout: TestnetLayout) throws {
            guard nodes >= 1, nodes <= 64 else { throw CLIError("--nodes must be 1…64") }
            guard loadAccounts >= 0, loadAccounts <= TestnetCommand.loadAccountsMax else {
                throw CLIError("--load-accounts must be 0…\(TestnetCommand.loadAccountsMax)")
            }
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
            print("created a \(nodes)-validator testnet in \(layout.directory), genesis \(created.genesis.hash.shortHex); client APIs over HTTPS, CA \(layout.caPath)")
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
                        if status.peersConnected == status.peersTotal { ready += 1 }
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
                if line != lastLine { print(line); lastLine = line }
                if ready == endpoints.count, let sharedView, sharedView.value >= quorum { return }
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
                print("  \(member.name.value.padding(toLength: 14, withPad: " ", startingAt: 0)) [\(member.roles.map(\.name).joined(separator: ", "))] \(layout.keysDirectory)/\(member.name).pem")
            }
            let api = endpoints.first.map { layout.nodeArguments($0.1).joined(separator: " ") } ?? "--node URL"
            // The binary as the user typed it, so the commands can be pasted as they are.
            let command = CommandLine.arguments.first ?? "greenledger"
            print("""

                next:
                  \(command) tx transfer --key \(layout.keysDirectory)/green-bank.pem --to $(\(command) keys show \(layout.keysDirectory)/solar-owner.pem | awk '/address/ {print $2}') --amount 250000 --currency EUR --category renewable-energy \(api) --genesis \(layout.genesisPath) --wait
                  \(command) testnet status --dir \(layout.directory)
                  \(command) testnet down --dir \(layout.directory)
                """)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each validator's process, height, view and peers.")

        @OptionGroup var options: Options

        func run() async throws {
            let layout = TestnetLayout(directory: options.dir)
            let indices = layout.nodeIndices()
            guard !indices.isEmpty else { throw CLIError("no testnet in \(options.dir); create one with `greenledger testnet up`") }
            if let genesis = try? Genesis(contentsOfFile: layout.genesisPath) {
                print("chain \(genesis.chainID): \(genesis.validatorSet.toleranceSummary)")
                if let warning = genesis.validatorSet.toleranceWarning { print(warning) }
            }
            for index in indices {
                let configuration = try NodeConfiguration.load(home: layout.nodeHome(index))
                guard let pid = layout.runningPID(index) else {
                    print("node-\(index)  stopped")
                    continue
                }
                let client = try layout.client(configuration, requestTimeoutMillis: 2_000)
                if let status = try? await client.status() {
                    print("node-\(index)  pid \(pid)  height \(status.height)  view \(status.view) (primary \(status.primary))  peers \(status.peersConnected)/\(status.peersTotal)  mempool \(status.mempoolSize)  \(layout.apiURL(configuration))")
                } else {
                    print("node-\(index)  pid \(pid)  not answering on \(layout.apiURL(configuration))")
                }
            }
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every validator cleanly (SIGTERM); the data is kept.")

        @OptionGroup var options: Options

        func run() throws {
            let layout = TestnetLayout(directory: options.dir)
            let indices = layout.nodeIndices()
            guard !indices.isEmpty else { throw CLIError("no testnet in \(options.dir)") }
            // All at once: a validator stopping alone would wait for peers that are stopping too.
            let running = indices.compactMap { index in layout.runningPID(index).map { (index, $0) } }
            let killed = LocalProcess.stop(running.map(\.1))
            for (index, pid) in running {
                try? FileManager.default.removeItem(atPath: layout.pidPath(index))
                print("stopped node-\(index) (pid \(pid))\(killed.contains(pid) ? " — it did not exit in 10 s and was killed" : "")")
            }
            print("the testnet is down; its data is kept in \(options.dir) (`greenledger testnet up --dir \(options.dir)` restarts it)")
        }
    }
}
