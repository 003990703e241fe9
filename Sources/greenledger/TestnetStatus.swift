import ArgumentParser
import Foundation
import LedgerCore
import Node

extension TestnetCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each validator's process, height, view, peers and health; exit status 1 when something is wrong.",
            discussion: """
                A stopped or silent validator, one that reaches fewer validators than a quorum, \
                transactions waiting with no commit for 30 s, or no quorum of validators in one \
                view make the exit status 1. Validators in different views, missing peer links \
                and a validator far behind are printed as warnings.
                """
        )

        @OptionGroup var options: Options

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() async throws {
            let layout = TestnetLayout(directory: options.dir)
            let indices = layout.nodeIndices()
            guard !indices.isEmpty else { throw CLIError("no testnet in \(options.dir); create one with `greenledger testnet up`") }
            let genesis = try? Genesis(contentsOfFile: layout.genesisPath)
            if let genesis, !json {
                print("chain \(genesis.chainID): \(genesis.validatorSet.toleranceSummary)")
                if let warning = genesis.validatorSet.toleranceWarning { print(warning) }
            }
            var reports: [ConsortiumStatus.NodeReport] = []
            for index in indices {
                let configuration: NodeConfiguration
                do { configuration = try NodeConfiguration.load(home: layout.nodeHome(index)) } catch { throw CLIError("node-\(index): \(error)") }
                let url = layout.apiURL(configuration)
                guard let pid = layout.runningPID(index) else {
                    reports.append(ConsortiumStatus.NodeReport(name: "node-\(index)", url: url, state: "stopped"))
                    continue
                }
                let client = try layout.client(configuration, requestTimeoutMillis: 2_000)
                reports.append(await ConsortiumStatus.ask(name: "node-\(index)", url: url, pid: pid, client: client))
            }
            try ConsortiumStatus(nodes: reports, quorum: genesis?.validatorSet.quorum).print(json: json)
        }
    }
}
