import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Storage
import Testing

/// Finding 9 of the consensus review, on real processes: 4 validators holding 4,000 accepted
/// transactions each used to lose 6,000 as `bad-nonce` receipts, leave 12,000 stuck and stop the
/// chain for good, because the replica's mempool dropped forwards silently at 10,000.
@Suite("End to end: overload", .serialized)
struct OverloadEndToEndTests {
    static let senders = 250
    static let perSender = 64

    @Test("16,000 transactions accepted across 4 validators all commit exactly once, with no bad-nonce receipt")
    func sixteenThousandAccepted() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up(["--load-accounts", "\(OverloadEndToEndTests.senders)"])
        let genesis = try net.genesis
        let names = (0..<OverloadEndToEndTests.senders).map { String(format: "load-%04d", $0) }
        let keys = try names.map { try net.key($0) }
        // Each sender's 64 transfers go, in nonce order, to one validator: sender i to node i mod 4.
        var perNode: [[Transaction]] = Array(repeating: [], count: net.nodes)
        for (index, key) in keys.enumerated() {
            let recipient = keys[(index + 1) % keys.count].publicKey.address
            for nonce in 1...UInt64(OverloadEndToEndTests.perSender) {
                let payload = Payload.transferFunds(TransferFunds(to: recipient, currency: "EUR", amount: nonce, category: .renewableEnergy, purpose: "load"))
                perNode[index % net.nodes].append(try Transaction(chainID: genesis.chainID, nonce: nonce, payload: payload, signer: key))
            }
        }
        // All four validators at once, in batches of 500.
        let accepted = try await withThrowingTaskGroup(of: [String].self) { group in
            for node in 0..<net.nodes {
                let transactions = perNode[node]
                let client = try net.client(node)
                group.addTask {
                    var ids: [String] = []
                    for start in stride(from: 0, to: transactions.count, by: 500) {
                        let batch = Array(transactions[start..<min(start + 500, transactions.count)])
                        let results = try await client.submit(batch)
                        ids += results.filter { $0.status == "accepted" }.map(\.id)
                    }
                    return ids
                }
            }
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(accepted.count == OverloadEndToEndTests.senders * OverloadEndToEndTests.perSender, "the mempools refused some")

        // Every node drains its mempool and reaches the same height.
        try await waitUntil("every accepted transaction to commit", timeoutSeconds: 240) {
            var heights = Set<UInt64>()
            for node in 0..<net.nodes {
                guard let status = try? await net.client(node).status(), status.mempoolSize == 0 else { return false }
                heights.insert(status.height)
            }
            return heights.count == 1
        }
        _ = try net.run(["testnet", "down", "--dir", net.directory])

        let wanted = Set(accepted)
        var chains: [[Digest]] = []
        for node in 0..<net.nodes {
            let reader = try LedgerStore.openForAudit(directory: net.dataDirectory(node))
            let last = try reader.lastHeight()
            var included: [String] = []
            var failures: [String: Int] = [:]
            for (_, receipts) in try reader.receipts(1...last) {
                for receipt in receipts {
                    included.append(Digest(bytes: receipt.transactionID).map(\.hex) ?? "?")
                    if !receipt.success { failures[receipt.failureCode ?? "?", default: 0] += 1 }
                }
            }
            #expect(failures.isEmpty, "node-\(node) has failed receipts: \(failures)")
            #expect(included.count == Set(included).count, "node-\(node) holds a transaction twice")
            #expect(Set(included) == wanted, "node-\(node): \(wanted.subtracting(included).count) accepted transactions missing")
            chains.append(try reader.rawBlocks(1...last).compactMap { Digest(bytes: $0.hash) })
        }
        #expect(Set(chains).count == 1, "the validators' chains differ")
    }
}
