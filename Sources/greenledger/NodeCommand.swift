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
            // One node per home, before the store is opened twice: HOME/node.lock, held until
            // this process ends. HOME/node.pid tells `node stop` and `testnet status` its pid.
            guard let homeLock = try NodeHomeLock.acquire(home: home, waitingUpTo: 3) else {
                let other = NodePIDFile(home: home).runningPID().map { " (pid \($0))" } ?? ""
                throw CLIError("a node already runs on \(home)\(other); stop it with `greenledger node stop --home \(home)`")
            }
            let pidFile = NodePIDFile(home: home)
            do { try pidFile.write(getpid()) } catch {
                // A read-only home (configuration under /etc) still runs; only `node stop` needs the file.
                ProgressOutput.line("warning: cannot write \(pidFile.path) (\(error.localizedDescription)); `greenledger node stop` will not find this node")
            }
            defer {
                pidFile.remove(ifOwnedBy: getpid())
                withExtendedLifetime(homeLock) {}
            }
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

        @Flag(help: "Print JSON: {home, pid, stopped, killed}.")
        var json = false

        struct Outcome: Encodable { var home: String, pid: Int32?, stopped: Bool, killed: Bool }

        func validate() throws {
            try OptionCheck.seconds(graceSeconds, "--grace-seconds", in: 1...600)
        }

        func run() throws {
            let pidFile = NodePIDFile(home: home)
            guard let pid = pidFile.runningPID() else {
                guard !NodeHomeLock.isHeld(home: home) else {
                    throw CLIError("a node runs on \(home) but \(pidFile.path) does not name it; stop it by its process (it holds \(home)/node.lock)")
                }
                if json { return print(try CLIJSON.render(Outcome(home: home, pid: nil, stopped: false, killed: false))) }
                print("no node is running on \(home)")
                return
            }
            guard kill(pid, 0) == 0 else {
                throw CLIError("cannot signal the node on \(home) (pid \(pid)): \(String(cString: strerror(errno))); run this as the node's user")
            }
            let killed = LocalProcess.stop([pid], graceSeconds: graceSeconds)
            pidFile.remove(ifOwnedBy: pid)
            if json { return print(try CLIJSON.render(Outcome(home: home, pid: pid, stopped: true, killed: !killed.isEmpty))) }
            print("stopped the node on \(home) (pid \(pid))\(killed.isEmpty ? "" : " — it did not exit in \(Int(graceSeconds)) s and was killed")")
        }
    }
}
