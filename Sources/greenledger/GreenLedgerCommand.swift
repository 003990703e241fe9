import ArgumentParser

/// `greenledger`: one binary for operators, members and auditors.
@main
struct GreenLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenledger",
        abstract: "A permissioned PBFT ledger for green capital flows: green bonds, carbon credits, verified reductions.",
        discussion: """
            Start with `greenledger genesis init` to create a consortium's genesis and keys, and \
            `greenledger bench crypto` to measure this machine.
            """,
        version: "0.1.0",
        subcommands: [
            TestnetCommand.self, NodeCommand.self, TxCommand.self, KeysCommand.self, GenesisCommand.self, VerifyCommand.self,
            QueryCommand.self, ProofCommand.self, VerifyProofCommand.self, ReportCommand.self, BenchCommand.self, DemoCommand.self,
        ]
    )
}
