import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node

/// Steady load on a local testnet from its funded load accounts (`testnet up --load-accounts`),
/// each sender with one batch in flight at a time, nonces in order, every answer accounted for.
/// With `--acks FILE` each transaction answered "committed" is written as one JSON line — the
/// fault campaign (`scripts/chaos`) checks each is in the chain exactly once.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Submit signed transfers from a testnet's load accounts for a while; report throughput, latency and every outcome.",
        discussion: """
            Each sender owns one load account, submits a batch of transfers with consecutive \
            nonces to a validator (round robin; on a transport error, the next one) and waits \
            for the commit. A batch whose outcome stays unknown (the node died, the wait ran out) \
            is looked up on every validator, and the very same signed transactions are sent again \
            until each is committed or refused — a transaction can commit only once, so nothing \
            is lost and nothing doubled. Nonces then continue from the account's committed nonce.

            Example: greenledger testnet up --dir /tmp/load --load-accounts 16 && \\
              greenledger bench load --dir /tmp/load --senders 16 --seconds 30
            """
    )

    @Option(help: "The testnet's directory (created with --load-accounts).")
    var dir: String = "testnet"

    @Option(help: "Concurrent senders, one load account each.")
    var senders: Int = 8

    @Option(help: "Seconds to keep submitting (outstanding batches are then settled).")
    var seconds: Double = 30

    @Option(help: "Transfers per submission.")
    var batch: Int = 1

    @Option(help: "Write each transaction answered committed as a JSON line to this file.")
    var acks: String?

    @Option(help: "Seconds to settle a batch whose outcome is unknown before giving up on it.")
    var settleSeconds: Double = 60

    func validate() throws {
        guard senders >= 1, senders <= TestnetCommand.loadAccountsMax else { throw ValidationError("--senders must be 1…\(TestnetCommand.loadAccountsMax)") }
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be a number of seconds above 0 and at most 86400") }
        guard batch >= 1, batch <= 500 else { throw ValidationError("--batch must be 1…500") }
        guard settleSeconds.isFinite, settleSeconds >= 1, settleSeconds <= 3_600 else { throw ValidationError("--settle-seconds must be 1…3600") }
    }

    func run() async throws {
        let layout = TestnetLayout(directory: dir)
        let genesis: Genesis
        do { genesis = try Genesis(contentsOfFile: layout.genesisPath) } catch { throw CLIError("no testnet genesis in \(dir): \(error)") }
        let names = TestnetCommand.loadAccountNames(senders)
        var keys: [SigningKey] = []
        for name in names {
            let path = "\(layout.keysDirectory)/\(name).pem"
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("\(path) does not exist: create the testnet with `greenledger testnet up --dir \(dir) --load-accounts \(senders)` (or more)")
            }
            keys.append(try KeyFiles.readPrivateKey(path))
        }
        var clients: [NodeClient] = []
        for index in layout.nodeIndices() {
            clients.append(try layout.client(try NodeConfiguration.load(home: layout.nodeHome(index)), requestTimeoutMillis: 15_000))
        }
        guard !clients.isEmpty else { throw CLIError("no validator homes in \(dir)") }
        let log = try acks.map { try AckLog(path: $0) }
        let deadline = Date().addingTimeInterval(seconds)
        print("load: \(senders) senders, batches of \(batch), \(Int(seconds)) s, on \(clients.count) validators")
        let started = Date()
        let tally = await withTaskGroup(of: LoadTally.self) { group in
            for index in 0..<senders {
                // The next sender's account; a lone sender pays another member (a transfer to
                // oneself is refused by a format-2 genesis, and would be no flow anyway).
                let own = keys[index].publicKey.address
                let recipient = keys.count > 1
                    ? keys[(index + 1) % keys.count].publicKey.address
                    : genesis.members.first { $0.address != own }?.address ?? own
                let sender = LoadSender(
                    name: names[index], key: keys[index], recipient: recipient,
                    chainID: genesis.chainID, clients: clients, firstNode: index % clients.count, batch: batch,
                    settleSeconds: settleSeconds, log: log)
                group.addTask { await sender.run(until: deadline) }
            }
            var total = LoadTally()
            for await part in group { total.add(part) }
            return total
        }
        let elapsed = Date().timeIntervalSince(started)
        print(tally.report(elapsedSeconds: elapsed))
        if tally.unresolved > 0 {
            throw CLIError("\(tally.unresolved) transactions were answered neither committed nor refused within \(Int(settleSeconds)) s of settling")
        }
    }
}

/// One JSON line per transaction answered committed, shared by the senders.
actor AckLog {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError("cannot write --acks \(path)")
        }
        self.handle = handle
    }

    func write(id: Digest, sender: String, nonce: UInt64, height: UInt64) {
        handle.write(Data("{\"id\":\"\(id.hex)\",\"sender\":\"\(sender)\",\"nonce\":\(nonce),\"height\":\(height)}\n".utf8))
    }
}

/// What the senders saw, summed.
struct LoadTally: Sendable {
    var submitted = 0
    var committed = 0
    var failedReceipts: [String: Int] = [:]
    var rejected: [String: Int] = [:]
    var resubmissions = 0
    var unresolved = 0
    var latenciesMillis: [Double] = []

    mutating func add(_ other: LoadTally) {
        submitted += other.submitted
        committed += other.committed
        for (code, count) in other.failedReceipts { failedReceipts[code, default: 0] += count }
        for (code, count) in other.rejected { rejected[code, default: 0] += count }
        resubmissions += other.resubmissions
        unresolved += other.unresolved
        latenciesMillis += other.latenciesMillis
    }

    func report(elapsedSeconds: Double) -> String {
        let sorted = latenciesMillis.sorted()
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.0f ms", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        func codes(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "0" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        return """
            submitted \(submitted), committed \(committed) (\(String(format: "%.1f", Double(committed) / max(elapsedSeconds, 0.001))) tx/s over \(String(format: "%.1f", elapsedSeconds)) s), \
            failed receipts: \(codes(failedReceipts)), rejected: \(codes(rejected)), resubmitted batches \(resubmissions), unresolved \(unresolved)
            commit latency p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(percentile(1))
            """
    }
}

/// One load account's loop: a batch in flight at a time, settled before the next.
struct LoadSender: Sendable {
    let name: String
    let key: SigningKey
    let recipient: Address
    let chainID: Identifier
    let clients: [NodeClient]
    let firstNode: Int
    let batch: Int
    let settleSeconds: Double
    let log: AckLog?

    func run(until deadline: Date) async -> LoadTally {
        var tally = LoadTally()
        var node = firstNode
        guard var nonce = await committedNonce(startingAt: &node) else {
            ProgressOutput.line("load: \(name): no validator answered for the account's nonce; this sender did not start")
            return tally
        }
        var sequence = 0
        while Date() < deadline {
            var transactions: [Transaction] = []
            for offset in 1...batch {
                sequence += 1
                guard let transaction = try? Transaction(
                    chainID: chainID, nonce: nonce + UInt64(offset),
                    payload: .transferFunds(TransferFunds(
                        to: recipient, currency: "EUR", amount: 1, category: .renewableEnergy, purpose: try Text("load \(name) \(sequence)"))),
                    signer: key) else { return tally }
                transactions.append(transaction)
            }
            tally.submitted += transactions.count
            let start = Date()
            let outcome = await settle(transactions, node: &node, tally: &tally)
            let millis = Date().timeIntervalSince(start) * 1_000
            for (transaction, result) in zip(transactions, outcome) {
                switch result {
                case .committed(let height):
                    tally.committed += 1
                    tally.latenciesMillis.append(millis)
                    await log?.write(id: transaction.id, sender: name, nonce: transaction.nonce, height: height)
                case .failed(let code): tally.failedReceipts[code, default: 0] += 1
                case .rejected(let code): tally.rejected[code, default: 0] += 1
                case .unknown: tally.unresolved += 1
                }
            }
            // All committed: the next nonces follow. Otherwise ask a validator.
            if outcome.allSatisfy({ if case .committed = $0 { true } else { false } }) {
                nonce += UInt64(batch)
            } else if let committed = await committedNonce(startingAt: &node) {
                nonce = committed
            }
        }
        return tally
    }

    enum Outcome: Sendable {
        case committed(height: UInt64)
        case failed(String)
        case rejected(String)
        case unknown
    }

    /// Submits, waits; then, for what stays open, looks it up everywhere and resubmits the same
    /// transactions, until each is committed or refused or `settleSeconds` pass.
    ///
    /// A refusal is final only for a transaction no validator may hold: once one answered it
    /// accepted (or a submission's answer was lost), it will commit or be reported refused
    /// (docs/reliability.md), so a later refusal from another validator — one still behind
    /// (`nonce-too-far-ahead`), or one that already saw it commit (`stale-nonce`) — keeps it
    /// open. Signing a new transaction for that nonce would make one of the two a `bad-nonce`
    /// receipt.
    func settle(_ transactions: [Transaction], node: inout Int, tally: inout LoadTally) async -> [Outcome] {
        var outcomes = [Outcome](repeating: .unknown, count: transactions.count)
        var mayBeHeld = [Bool](repeating: false, count: transactions.count)
        let giveUp = Date().addingTimeInterval(settleSeconds)
        var attempt = 0
        while Date() < giveUp {
            let open = outcomes.indices.filter { if case .unknown = outcomes[$0] { true } else { false } }
            if open.isEmpty { break }
            if attempt > 0 { tally.resubmissions += 1 }
            attempt += 1
            let client = clients[node % clients.count]
            do {
                let results = try await client.submit(open.map { transactions[$0] }, waitMillis: 10_000)
                for (index, result) in zip(open, results) {
                    if let commit = result.commit, commit.status == "committed", let height = commit.height {
                        outcomes[index] = commit.receipt?.success == false
                            ? .failed(commit.receipt?.failure?.code ?? "failed") : .committed(height: height)
                    } else if result.status == "rejected" {
                        // A resubmission of one already committed is refused as stale or
                        // duplicate: look it up before calling it refused.
                        if attempt > 1, let found = await lookUp(transactions[index].id) {
                            outcomes[index] = found
                        } else if !mayBeHeld[index] {
                            outcomes[index] = .rejected(result.error?.code ?? "rejected")
                        }
                    } else {
                        mayBeHeld[index] = true  // accepted, or already pending there
                    }
                }
            } catch {
                for index in open { mayBeHeld[index] = true }  // the request may have arrived
                node += 1
            }
            // Still open: find out on every validator before sending again.
            for index in outcomes.indices {
                if case .unknown = outcomes[index], let found = await lookUp(transactions[index].id) { outcomes[index] = found }
            }
            if outcomes.contains(where: { if case .unknown = $0 { true } else { false } }) {
                node += 1
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return outcomes
    }

    /// The transaction's fate on any validator: committed (or failed) in a block, else nil.
    func lookUp(_ id: Digest) async -> Outcome? {
        for client in clients {
            guard let body = try? await client.transaction(id), body.status == "committed", let height = body.height else { continue }
            return body.receipt?.success == false ? .failed(body.receipt?.failure?.code ?? "failed") : .committed(height: height)
        }
        return nil
    }

    /// The account's committed nonce from the first validator that answers.
    func committedNonce(startingAt node: inout Int) async -> UInt64? {
        for _ in 0..<(clients.count * 20) {
            if let account = try? await clients[node % clients.count].account(key.publicKey.address) { return account.nonce }
            node += 1
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }
}
