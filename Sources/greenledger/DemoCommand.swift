import ArgumentParser
import Foundation
import Node

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play the green-finance story against a running testnet, through the same commands a member would type.",
        discussion: """
            Each step prints who acts, what they do, and the exact `greenledger` command line; the \
            demo runs that command line in-process. The story: a verifier attests a solar \
            project's reductions, the registry issues serial-numbered credits, a bank buys and \
            retires them for a named beneficiary, an issuer issues a green bond and allocates \
            its proceeds — and a double retirement and an ineligible allocation are refused \
            with the ledger's reasons. Then every node is audited and the reports are printed.
            Each run registers new projects and a new bond, so the demo can be run again.
            Exits 1 at the first step whose outcome is not the expected one.

            Example:
              greenledger testnet up --dir ./testnet
              greenledger demo --dir ./testnet
            """
    )

    @Option(help: "The testnet's directory (as given to `greenledger testnet up`).")
    var dir: String = "./testnet"

    func run() async throws {
        let context = try DemoContext(directory: dir)
        try await checkNetwork(context)
        let steps = try DemoStory.steps(context)
        print("demo run \(context.run): \(steps.count) steps; files in \(context.runDirectory)\n")
        var record = DemoRecord()
        for (index, step) in steps.enumerated() {
            let arguments = try step.arguments(record)
            print("[\(index + 1)/\(steps.count)] \(step.actor) \(step.action)")
            print("$ \(CLIInvocation.display(arguments))")
            let sink = TransactionOutcomes()
            var failure: Error?
            do {
                try await TransactionOutcomes.$sink.withValue(sink) { try await CLIInvocation.run(arguments) }
            } catch {
                failure = error
            }
            try judge(step, failure: failure, outcome: sink.last, record: &record, number: index + 1)
            print("")
        }
        print("demo run \(context.run) finished: every step came out as expected")
    }

    /// Every validator must answer before the story starts, with the genesis of the testnet.
    private func checkNetwork(_ context: DemoContext) async throws {
        for (index, url) in context.nodeURLs.enumerated() {
            let status: StatusBody
            do { status = try await NodeClient(url: url, caFile: context.caFile).status() } catch {
                throw CLIError("node-\(index) at \(url) does not answer (\(error)); start the testnet with `greenledger testnet up --dir \(dir)`")
            }
            guard status.genesisHash == context.genesis.hash.hex else {
                throw CLIError("node-\(index) at \(url) runs genesis \(status.genesisHash), not \(context.genesisPath)'s \(context.genesis.hash.hex)")
            }
            print("node-\(index) \(url): height \(status.height), view \(status.view), primary \(status.primary), peers \(status.peersConnected)/\(status.peersTotal)")
        }
    }

    private func judge(_ step: DemoStep, failure: Error?, outcome: TransactionOutcomes.Outcome?, record: inout DemoRecord, number: Int) throws {
        let reason: String? =
            switch outcome {
            case .committed(let commit): commit.receipt.failure.map { "\($0.message) (\($0.code.name))" }
            case .refused(let message): message
            case nil: failure.map { "\($0)" }
            }
        switch step.expectation {
        case .success:
            guard failure == nil else {
                throw CLIError("demo step \(number) failed: \(reason ?? "\(failure!)")")
            }
            if let name = step.records, case .committed(let commit) = outcome {
                record.transactions[name] = (commit.transactionID.hex, commit.height)
            }
        case .refusal(let expected):
            guard failure != nil, let reason else {
                throw CLIError("demo step \(number) should have been refused, but it succeeded")
            }
            guard reason.contains(expected) else {
                throw CLIError("demo step \(number) was refused for another reason than expected (\"\(expected)\"): \(reason)")
            }
            print("→ refused as it must be: \(reason)")
        }
    }
}
