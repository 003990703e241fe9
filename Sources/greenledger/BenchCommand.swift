import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure this machine: crypto, state-machine apply, durable store commits, the audit, load on a testnet, and a whole network under load.",
        discussion: "Build with -c release first; debug figures are meaningless. See docs/benchmarks.md.",
        subcommands: [CryptoBench.self, ApplyBench.self, StoreBench.self, VerifyBench.self, LoadBench.self, NetworkBench.self]
    )
}

/// Runs `body` on `threads` threads for about `seconds`, returning total operations per second.
func measureRate(threads: Int, seconds: Double, _ body: @escaping @Sendable () -> Void) -> Double {
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
    counts.initialize(repeating: 0)
    defer { counts.deallocate() }
    nonisolated(unsafe) let shared = counts
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { worker in
        var operations = 0
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for _ in 0..<16 { body() }
            operations += 16
        }
        shared[worker] = operations
    }
    let elapsed = Date().timeIntervalSince(start)
    return Double(counts.reduce(0, +)) / elapsed
}

struct CryptoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "SHA-256 on 250-byte messages, P-256 sign and verify, on 1 thread and on every core.",
        discussion: "Example: swift build -c release && .build/release/greenledger bench crypto --seconds 3"
    )

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 3

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let message = [UInt8](repeating: 0x5A, count: 250)
        let key = try SigningKey()
        let digest = SHA256.hash(message)
        let signature = try key.sign(digest: digest)
        let publicKey = key.publicKey
        try publicKey.verify(signature, digest: digest)

        let hashRate = measureRate(threads: 1, seconds: seconds) { _ = SHA256.hash(message) }
        let signRate = measureRate(threads: 1, seconds: seconds) { _ = try? key.sign(digest: digest) }
        let verifyRate = measureRate(threads: 1, seconds: seconds) {
            precondition(publicKey.isValidSignature(signature, digest: digest))
        }
        let verifyAllRate = measureRate(threads: cores, seconds: seconds) {
            precondition(publicKey.isValidSignature(signature, digest: digest))
        }
        print("cores: \(cores)")
        print(String(format: "sha256 250B      1 thread : %10.0f ops/s", hashRate))
        print(String(format: "p256 sign        1 thread : %10.0f ops/s", signRate))
        print(String(format: "p256 verify      1 thread : %10.0f ops/s", verifyRate))
        print(String(format: "p256 verify %2d threads    : %10.0f ops/s", cores, verifyAllRate))
    }
}

struct ApplyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply rate of blocks of pre-verified transfers, state root included.",
        discussion: "Example: .build/release/greenledger bench apply --blocks 20 --transactions 1000"
    )

    @Option(help: "Blocks to apply.")
    var blocks: Int = 20

    @Option(help: "Transfers per block (each from a different member).")
    var transactions: Int = 1_000

    func run() throws {
        guard blocks > 0, (1...Limits.blockTransactionsMax).contains(transactions) else {
            throw CLIError("--blocks must be positive and --transactions 1…\(Limits.blockTransactionsMax)")
        }
        let chainID: Identifier = "bench"
        let keys = try (0..<transactions).map { _ in try SigningKey() }
        let members = try keys.enumerated().map { index, key in
            Member(name: try Identifier("m\(index)"), publicKey: key.publicKey, roles: [.participant])
        }
        let genesis = Genesis(
            chainID: chainID, genesisTimeMillis: 0,
            validators: [ValidatorInfo(name: "v0", publicKey: keys[0].publicKey, host: "127.0.0.1", port: 7000)],
            members: members,
            balances: members.map { InitialBalance(member: $0.name, currency: "EUR", amount: 1_000_000_000) },
            consensus: ConsensusParameters(batchSizeMax: UInt32(Limits.blockTransactionsMax)))
        print("signing \(blocks * transactions) transfers…")
        var signed: [[Transaction]] = []
        for height in 1...blocks {
            signed.append(try keys.enumerated().map { index, key in
                let to = keys[(index + height) % keys.count].publicKey.address
                return try Transaction(
                    chainID: chainID, nonce: UInt64(height),
                    payload: .transferFunds(TransferFunds(to: to, currency: "EUR", amount: 1, category: .renewableEnergy, purpose: "bench")),
                    signer: key)
            })
        }
        let state = LedgerState(genesis: genesis)
        var applied = 0
        var elapsed = 0.0
        for (index, transactions) in signed.enumerated() {
            let height = UInt64(index + 1)
            let roots = state.expectedRoots(forHeaderAt: height)!
            let block = Block(
                chainID: chainID, height: height, parentHash: state.lastBlockHash, timestampMillis: height,
                transactions: transactions, stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
            let start = Date()
            let execution = try state.apply(block, verifier: nil)
            elapsed += Date().timeIntervalSince(start)
            precondition(execution.receipts.allSatisfy(\.succeeded), "bench transfers must succeed")
            applied += transactions.count
        }
        print("applied \(blocks) blocks of \(transactions) pre-verified transfers (\(genesis.members.count) accounts)")
        print(String(format: "apply rate: %.0f transactions/s, %.1f µs per transaction, %.1f ms per block",
            Double(applied) / elapsed, elapsed / Double(applied) * 1e6, elapsed / Double(blocks) * 1e3))
    }
}
