import ArgumentParser
import Foundation
import Logging
import Node

struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one validator node.",
        subcommands: [Start.self]
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
}
