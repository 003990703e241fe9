import ArgumentParser
import Audit
import Foundation
import LedgerCore
import LedgerCrypto
import Storage

struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Generate a real chain of signed transfers with commit certificates, then audit it.",
        discussion: """
            Reports the audit's throughput beside this machine's all-core signature-verify rate. \
            With --keep DIR the data directory and its genesis.json stay for `greenledger verify`.

            With --online the same chain is also served by the API server on loopback and audited \
            online (GET /v1/chain), for the online audit's throughput.

            Example: .build/release/greenledger bench verify --transactions 100000 --per-block 500
                     .build/release/greenledger bench verify --transactions 10000 --per-block 10 --online
            """
    )

    @Option(help: "Signed transactions in the generated chain.")
    var transactions: Int = 100_000

    @Option(help: "Transactions per block.")
    var perBlock: Int = 500

    @Option(help: "Keep the generated data directory here (must not exist).")
    var keep: String?

    @Flag(help: "Also audit the chain online: served by the real API server on loopback (GET /v1/chain).")
    var online = false

    func run() async throws {
        guard transactions > 0, (1...Limits.blockTransactionsMax).contains(perBlock) else {
            throw CLIError("--transactions must be positive and --per-block 1…\(Limits.blockTransactionsMax)")
        }
        let directory = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-bench-\(UUID().uuidString)").path
        if let keep, FileManager.default.fileExists(atPath: keep) { throw CLIError("\(keep) already exists; choose a new --keep directory") }
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

        let members = 64
        let chain = try SyntheticChain(directory: directory, validators: 4, members: members)
        let blocks = (transactions + perBlock - 1) / perBlock
        print("generating \(transactions) signed transfers in \(blocks) blocks…")
        let started = Date()
        var remaining = transactions
        var counter = 0
        while remaining > 0 {
            let count = min(perBlock, remaining)
            let batch = try (0..<count).map { _ in
                counter += 1
                return try chain.transfer(from: counter % members, to: (counter * 7 + 1) % members, amount: 1,
                                          category: TaxonomyCategory.allCases[counter % TaxonomyCategory.allCases.count])
            }
            try chain.append(batch)
            remaining -= count
        }
        print(String(format: "generated in %.1f s", Date().timeIntervalSince(started)))
        if keep != nil {
            try chain.genesis.jsonData().write(to: URL(fileURLWithPath: directory).appendingPathComponent("genesis.json"))
            print("kept \(directory) (genesis in \(directory)/genesis.json)")
        }

        let report = await ChainAuditor(genesis: chain.genesis).audit(try LedgerStore.openForAudit(directory: directory))
        guard report.passed else { throw CLIError("the generated chain failed its audit: \((report.failure ?? report.unreadable)?.problem ?? "")") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let key = try SigningKey()
        let digest = SHA256.hash([1, 2, 3])
        let signature = try key.sign(digest: digest)
        let publicKey = key.publicKey
        let verifyRate = measureRate(threads: cores, seconds: 2) { precondition(publicKey.isValidSignature(signature, digest: digest)) }
        let signaturesPerSecond = Double(report.signaturesChecked) / report.elapsedSeconds
        print(String(format: "audited %llu blocks, %llu transactions, %llu signatures in %.2f s",
                     report.blocksChecked, report.transactionsChecked, report.signaturesChecked, report.elapsedSeconds))
        print(String(format: "audit: %.0f transactions/s, %.0f signatures/s", Double(report.transactionsChecked) / report.elapsedSeconds, signaturesPerSecond))
        print(String(format: "all-core verify rate on %d cores: %.0f/s; the audit reaches %.0f%% of it", cores, verifyRate, 100 * signaturesPerSecond / verifyRate))
        if online {
            let remote = try await OnlineAuditBench.run(directory: directory, genesis: chain.genesis)
            guard remote.passed else { throw CLIError("the online audit of the generated chain failed: \((remote.failure ?? remote.unreadable)?.problem ?? "")") }
            print(String(format: "online audit over loopback HTTP: %llu blocks, %llu transactions in %.2f s (%.0f transactions/s, %.0f blocks/s)",
                         remote.blocksChecked, remote.transactionsChecked, remote.elapsedSeconds,
                         Double(remote.transactionsChecked) / remote.elapsedSeconds, Double(remote.blocksChecked) / remote.elapsedSeconds))
        }
    }
}
