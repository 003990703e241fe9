@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// `Replica.signaturePrecheck`: the host checks ahead, on other cores, exactly the signatures
/// stepping a message would check — never work the replica would refuse without ECDSA.
@Suite("Signatures a host may check ahead of the replica")
struct SignaturePrecheckTests {
    @Test("a FORWARD: its new, in-chain, in-rule transactions; not those already pending, of another chain, or from non-members")
    func forward() {
        var cluster = Cluster()
        let pending = cluster.transaction()
        cluster.offer([pending], to: 1)
        let fresh = cluster.transaction()
        let foreign = cluster.transaction(chainID: "other-chain")
        let outsider = cluster.transaction(fromOutsider: true)
        let envelope = cluster.signed(.forward([pending, fresh, foreign, outsider]), by: 2)
        let precheck = cluster.replicas[1].signaturePrecheck(for: envelope)
        #expect(precheck.transactions.map(\.id) == [fresh.id])
        #expect(!precheck.stopAtFirstFailure)
    }

    @Test("a PRE-PREPARE: only the current primary's, for an open slot in the window, within batchSizeMax, up to its first rule-breaking transaction")
    func prePrepare() throws {
        var cluster = Cluster()
        cluster.filter = { _ in false }  // keep the primary's proposal from the backups
        let transactions = (0..<3).map { _ in cluster.transaction() }
        cluster.offer(transactions, to: 0)
        let proposal = try #require(
            cluster.messages(from: 0) { $0.isPrePrepare }.compactMap { message -> PrePrepare? in
                if case .prePrepare(let proposal) = message { proposal } else { nil }
            }.first)
        let backup = cluster.replicas[1]
        let fromPrimary = cluster.signed(.prePrepare(proposal), by: 0)
        let selected = backup.signaturePrecheck(for: fromPrimary)
        #expect(selected.transactions.map(\.id) == proposal.block.transactions.map(\.id))
        #expect(selected.stopAtFirstFailure)

        func block(height: UInt64, _ transactions: [Transaction]) -> Block {
            Block(
                chainID: Cluster.chainID, height: height, parentHash: proposal.block.header.parentHash,
                timestampMillis: proposal.block.header.timestampMillis, transactions: transactions,
                stateRoot: proposal.block.header.stateRoot, receiptsRoot: proposal.block.header.receiptsRoot)
        }
        // Not the primary of its view; a view other than the backup's; outside the window;
        // more transactions than a block may hold: nothing is checked.
        #expect(backup.signaturePrecheck(for: cluster.signed(.prePrepare(proposal), by: 2)) == .none)
        #expect(backup.signaturePrecheck(for: cluster.signed(.prePrepare(PrePrepare(view: 1, block: proposal.block)), by: 1)) == .none)
        #expect(backup.signaturePrecheck(for: cluster.signed(.prePrepare(PrePrepare(view: 0, block: block(height: 1_000, transactions))), by: 0)) == .none)
        let oversized = (0..<(Int(cluster.parameters.batchSizeMax) + 1)).map { _ in cluster.transaction() }
        #expect(backup.signaturePrecheck(for: cluster.signed(.prePrepare(PrePrepare(view: 0, block: block(height: 1, oversized))), by: 0)) == .none)

        // A rule-breaking transaction ends the block's validity: nothing after it is checked.
        let outsider = cluster.transaction(fromOutsider: true)
        let broken = block(height: 1, [transactions[0], outsider, transactions[1]])
        let prefix = backup.signaturePrecheck(for: cluster.signed(.prePrepare(PrePrepare(view: 0, block: broken)), by: 0))
        #expect(prefix.transactions.map(\.id) == [transactions[0].id])

        // Once the slot holds the proposal, a resend is judged already: nothing more.
        var stepped = backup
        _ = stepped.step(.message(fromPrimary))
        #expect(stepped.signaturePrecheck(for: fromPrimary) == .none)
    }
}
