import ArgumentParser
import Foundation

extension TestnetCommand {
    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop every validator (or one, with --node) cleanly with SIGTERM; the data is kept.",
            discussion: """
                `testnet up --dir DIR` starts them again (only the stopped ones if some still run; \
                `--node INDEX` for one).

                Example: greenledger testnet down --node 2 && greenledger testnet up --node 2
                """
        )

        @OptionGroup var options: Options
        @OptionGroup var selection: NodeSelection

        @Flag(help: "Print JSON: the validators stopped, and whether any had to be killed.")
        var json = false

        struct Stopped: Encodable { var name: String, pid: Int32, killed: Bool }

        func run() throws {
            let layout = TestnetLayout(directory: options.dir)
            let indices = layout.nodeIndices()
            guard !indices.isEmpty else { throw CLIError("no testnet in \(options.dir)") }
            let selected = try selection.indices(among: indices, in: options.dir)
            // All at once: a validator stopping alone would wait for peers that are stopping too.
            let running = selected.compactMap { index in layout.runningPID(index).map { (index, $0) } }
            let killed = LocalProcess.stop(running.map(\.1))
            for (index, _) in running { try? FileManager.default.removeItem(atPath: layout.pidPath(index)) }
            if json {
                return print(try CLIJSON.render(["stopped": running.map { Stopped(name: "node-\($0.0)", pid: $0.1, killed: killed.contains($0.1)) }]))
            }
            for (index, pid) in running {
                print("stopped node-\(index) (pid \(pid))\(killed.contains(pid) ? " — it did not exit in 10 s and was killed" : "")")
            }
            if let index = selection.index {
                if running.isEmpty { print("node-\(index) was not running") }
                print("node-\(index) is down; its data is kept (`greenledger testnet up --dir \(options.dir) --node \(index)` starts it again)")
            } else {
                print("the testnet is down; its data is kept in \(options.dir) (`greenledger testnet up --dir \(options.dir)` restarts it)")
            }
        }
    }
}
