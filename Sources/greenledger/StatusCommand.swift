import ArgumentParser
import Foundation
import LedgerCore
import Node

/// `greenledger status`: is this validator (or this set of validators) healthy?
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show validators' height, view, peers and health; exit status 1 when something is wrong.",
        discussion: """
            Asks each --node for its status. A problem — a node that does not answer, one that \
            reaches fewer validators than a quorum, transactions waiting with no commit for 30 s, \
            answers for different chains, or no quorum in one view — makes the exit status 1, so \
            the command can drive a monitor. Warnings (a missing peer link, validators in \
            different views, one far behind) are printed but keep status 0.

            Examples:
              greenledger status --node https://127.0.0.1:8100 --ca testnet/ca.pem
              greenledger status --node https://10.0.0.1:8100 --node https://10.0.0.2:8100 --genesis genesis.json --json
            """
    )

    @Option(name: .customLong("node"), help: "A validator's client API (http:// or https://); repeat for several.")
    var nodes: [String] = ["https://127.0.0.1:8100"]

    @Option(name: .customLong("ca"), help: "With https:// nodes: the CA certificate (PEM) that issued their certificates; default: $GREENLEDGER_CA, else the system's trusted roots.")
    var caFile: String?

    @Option(help: "The consortium's genesis: its quorum decides whether validators in different views are a problem.")
    var genesis: String?

    @Option(help: "Seconds to wait for each node's answer (0.1…60).")
    var timeoutSeconds: Double = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        try OptionCheck.seconds(timeoutSeconds, "--timeout-seconds", in: 0.1...60)
    }

    func run() async throws {
        let quorum: Int?
        if let genesis {
            do { quorum = try Genesis(contentsOfFile: genesis).validatorSet.quorum } catch { throw CLIError("--genesis \(genesis): \(error)") }
        } else {
            quorum = nil
        }
        var reports: [ConsortiumStatus.NodeReport] = []
        for url in nodes {
            var client: NodeClient
            do { client = try NodeEndpoint.client(url: url, caOption: caFile) } catch { throw CLIError("--node \(url): \(error)") }
            client.requestTimeoutMillis = UInt64(timeoutSeconds * 1_000)
            reports.append(await ConsortiumStatus.ask(name: url, url: url, pid: nil, client: client))
        }
        for index in reports.indices { if let name = reports[index].status?.nodeName { reports[index].name = name } }
        try ConsortiumStatus(nodes: reports, quorum: quorum).print(json: json)
    }
}
