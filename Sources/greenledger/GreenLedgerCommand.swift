import ArgumentParser
import Foundation

/// `greenledger`: one binary for operators, members and auditors.
@main
struct GreenLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenledger",
        abstract: "A permissioned PBFT ledger for green capital flows: green bonds, carbon credits, verified reductions.",
        discussion: """
            First steps (the README's): `greenledger testnet up` starts 4 local validators in \
            ./testnet, `greenledger demo` plays the green-finance story through them, \
            `greenledger testnet status` tells whether they are healthy. For a consortium of your \
            own: `greenledger genesis init --out DIR`, then `greenledger testnet up --dir DIR` (one \
            machine) or `greenledger node start --home DIR/node-i` on each validator's host.

            Exit status: 0 success; 1 the command failed or found a problem (a refused \
            transaction, a failed audit, an unhealthy node); 2 a transaction committed with a \
            failed receipt (`tx --wait`), or `verify` could not read the chain (a transport \
            error, not a bad chain); 64 the command line is wrong (an unknown option, a value out \
            of range). Shell completion: `greenledger --generate-completion-script bash|zsh|fish`.
            """,
        version: "0.1.0",
        subcommands: [
            TestnetCommand.self, DemoCommand.self, StatusCommand.self, TxCommand.self, QueryCommand.self, ProofCommand.self,
            VerifyProofCommand.self, VerifyCommand.self, ReportCommand.self, KeysCommand.self, GenesisCommand.self, NodeCommand.self,
            BenchCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, with stdout flushed before an error goes to stderr,
    /// so a redirected run shows what was printed before the error, in that order.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            fflush(nil)
            exit(withError: error)
        }
    }
}
