import ArgumentParser
import Audit
import Foundation
import LedgerCore
import Storage

struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Durable commit rate: blocks of transfers, each block one SQLite transaction (WAL, synchronous=FULL).",
        discussion: "Example: .build/release/greenledger bench store --blocks 100 --transactions 500"
    )

    @Option(help: "Blocks to commit.")
    var blocks: Int = 100

    @Option(help: "Transfers per block.")
    var transactions: Int = 500

    @Option(help: "Directory for the database (default: a temporary one, removed after).")
    var directory: String?

    func run() throws {
        guard blocks > 0, (1...Limits.blockTransactionsMax).contains(transactions) else {
            throw CLIError("--blocks must be positive and --transactions 1…\(Limits.blockTransactionsMax)")
        }
        let path = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-store-\(UUID().uuidString)").path
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: path) } }
        let members = 64
        let chain = try SyntheticChain(directory: path, validators: 4, members: members)
        print("preparing \(blocks) blocks of \(transactions) signed transfers…")
        var prepared: [(Block, CommitCertificate, BlockExecution)] = []
        let shadow = LedgerState(genesis: chain.genesis)
        var counter = 0
        for height in 1...blocks {
            let batch = try (0..<transactions).map { _ in
                counter += 1
                return try chain.transfer(from: counter % members, to: (counter * 5 + 3) % members, amount: 1)
            }
            let roots = shadow.expectedRoots(forHeaderAt: UInt64(height))!
            let block = Block(
                chainID: chain.genesis.chainID, height: UInt64(height), parentHash: shadow.lastBlockHash,
                timestampMillis: shadow.lastTimestampMillis + 1, transactions: batch, stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
            let execution = try shadow.apply(block, verifier: nil)
            prepared.append((block, try chain.certify(block), execution))
        }
        let rowsPerBlock = transactions * 2 + prepared[0].2.changes.count * 3 + 1
        let started = Date()
        for (block, certificate, execution) in prepared {
            try chain.store.commit(block: block, certificate: certificate, execution: execution)
        }
        let elapsed = Date().timeIntervalSince(started)
        print(String(format: "committed %d blocks of %d transfers (~%d rows each) in %.2f s: %.0f blocks/s, %.0f transactions/s, %.1f ms per block",
                     blocks, transactions, rowsPerBlock, elapsed, Double(blocks) / elapsed, Double(blocks * transactions) / elapsed, elapsed / Double(blocks) * 1_000))
    }
}
