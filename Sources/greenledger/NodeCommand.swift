import ArgumentParser
import Foundation
import Logging
import Node

struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one validator node.",
        subcommands: [Start.self, Stop.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the validator configured in HOME/node.json until SIGTERM or SIGINT.",
            discussion: """
                node.json names the genesis, the validator's key file, the data directory and the \
                client API's host and port (docs/operations.md). On restart the node reloads its \
                store and consensus journal and catches up from its peers by itself.

                Example: greenledger node start --home testnet/node-0

                For fault testing only: GREENLEDGER_CRASH_AT=POINT[:N] makes the node exit with \
                status 86 the N-th time it reaches POINT (journal-written, some-sent, \
                executed-not-stored, stored-not-answered, mid-state-transfer, mid-compaction); \
                docs/reliability.md.
                """
        )

        @Option(help: "The validator's home directory (holding node.json).")
        var home: String

        func run() async throws {
            let configuration: NodeConfiguration
            do { configuration = try NodeConfiguration.load(home: home) } catch { throw CLIError("\(error)") }
            // HOME/node.pid: what `node stop`, `testnet status` and `testnet down` read. A live
            // process already named there is another node on this home: refuse, before the
            // store is opened twice.
            let pidFile = NodePIDFile(home: home)
            if let other = pidFile.runningPID(), other != getpid() {
                throw CLIError("a node already runs on \(home) (pid \(other)); stop it with `greenledger node stop --home \(home)`")
            }
            do { try pidFile.write(getpid()) } catch { throw CLIError("cannot write \(pidFile.path): \(error.localizedDescription)") }
            defer { pidFile.remove(ifOwnedBy: getpid()) }
            let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "greenledger.node")
            var api = APIConfiguration(host: configuration.apiHost, port: configuration.apiPort)
            do { api.tls = try configuration.apiTLS() } catch { throw CLIError("\(error)") }
            let node: ValidatorNode
            do {
                let crashPoints = try CrashPoints.fromEnvironment()
                if let point = crashPoints.armed {
                    logger.warning("crash point armed: the node exits with status \(CrashPoints.exitStatus) at \(point.rawValue) (time \(crashPoints.hitsBeforeCrash)), because \(CrashPoints.environmentVariable) is set; unset it for normal operation")
                }
                node = try ValidatorNode(configuration: configuration, logger: logger, crashPoints: crashPoints)
            } catch { throw CLIError("\(error)") }
            try await node.start()
            let server = APIServer(service: node, configuration: api)
            let scheme = api.tls == nil ? "http" : "https"
            do {
                try await server.run(handleSignals: true) { port in
                    logger.info("client API listening on \(scheme)://\(configuration.apiHost):\(port)")
                }
            } catch {
                logger.error("client API stopped: \(error)")
            }
            await node.stop()
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the validator running on HOME cleanly (SIGTERM; SIGKILL after --grace-seconds).",
            discussion: "Reads HOME/node.pid, which `node start` writes. Example: greenledger node stop --home consortium/node-2"
        )

        @Option(help: "The validator's home directory (holding node.json and node.pid).")
        var home: String

        @Option(help: "Seconds to wait for a clean exit before SIGKILL (1…600).")
        var graceSeconds: Double = 30

        func validate() throws {
            try OptionCheck.seconds(graceSeconds, "--grace-seconds", in: 1...600)
        }

        func run() throws {
            let pidFile = NodePIDFile(home: home)
            guard let pid = pidFile.runningPID() else {
                print("no node is running on \(home) (\(pidFile.path) names no live process)")
                return
            }
            let killed = LocalProcess.stop([pid], graceSeconds: graceSeconds)
            pidFile.remove(ifOwnedBy: pid)
            print("stopped the node on \(home) (pid \(pid))\(killed.isEmpty ? "" : " — it did not exit in \(Int(graceSeconds)) s and was killed")")
        }
    }
}
