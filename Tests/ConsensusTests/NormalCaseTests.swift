@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

@Suite("Normal case")
struct NormalCaseTests {
    @Test("a block commits on 2f+1 matching COMMITs of one view, with a certificate that verifies")
    func commitWithCertificate() throws {
        var cluster = Cluster()
        let transactions = [cluster.transaction(), cluster.transaction()]
        cluster.offer(transactions, to: 0)
        for index in 0..<4 {
            #expect(cluster.height(index) == 1)
            let committed = try #require(cluster.stores[index].first)
            #expect(committed.block.transactions == transactions)
            #expect(committed.certificate.view == 0)
            #expect(committed.certificate.signatures.count >= 3)
            try committed.certificate.verify(
                chainID: Cluster.chainID, genesisHash: Cluster.genesisHash, validators: cluster.validators, verifier: cluster.verifier)
        }
    }

    @Test("a backup forwards a transaction to the primary, which batches it into a block")
    func backupForwards() {
        var cluster = Cluster()
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 2)
        #expect(cluster.messages(from: 2) { if case .forward = $0 { true } else { false } }.count == 1)
        #expect(cluster.stores.allSatisfy { $0.first?.block.transactions == [transaction] })
    }

    /// PBFT's clients multicast a request the primary ignores, so every backup's timer runs.
    /// Here a backup forwards what its client gave it to every replica: with a dead primary,
    /// all backups time out together and the view changes (one backup alone is fewer than the
    /// f+1 VIEW-CHANGEs the others would need to join).
    @Test("a transaction given to one backup starts every backup's timer, so a dead primary is replaced")
    func forwardReachesEveryBackup() {
        var cluster = Cluster()
        cluster.filter = { $0.from != 0 && $0.to != 0 }
        let transaction = cluster.transaction()
        cluster.offer([transaction], to: 2)
        for backup in 1...3 { #expect(cluster.replicas[backup].view == 0) }
        cluster.tick(Int(cluster.parameters.viewTimeoutTicks) * 3)
        for backup in 1...3 {
            #expect(cluster.replicas[backup].view >= 1, "backup \(backup) never suspected the dead primary")
            #expect(cluster.stores[backup].first?.block.transactions == [transaction])
        }
        #expect(cluster.stores[0].isEmpty)
    }

    @Test("blocks commit in height order and each links to its parent")
    func heightOrder() {
        var cluster = Cluster()
        for _ in 0..<5 { cluster.offer([cluster.transaction()], to: 0) }
        for index in 0..<4 {
            let store = cluster.stores[index]
            #expect(store.map(\.block.height) == [1, 2, 3, 4, 5])
            for (parent, child) in zip(store, store.dropFirst()) { #expect(child.block.header.parentHash == parent.block.hash) }
            #expect(store.first?.block.header.parentHash == Cluster.genesisHash)
        }
    }

    @Test("a PREPARE is never counted as a COMMIT")
    func prepareIsNotCommit() {
        var cluster = Cluster()
        // Backup 3 sees everything except COMMITs; the others' PREPAREs re-labelled as
        // COMMITs (same signatures) must not make it commit.
        cluster.filter = { !($0.to == 3 && $0.envelope.message.isCommit) }
        cluster.offer([cluster.transaction()], to: 0)
        #expect(cluster.height(0) == 1)
        #expect(cluster.height(3) == 0)
        let prepares = cluster.sent.filter { $0.to == 3 && $0.envelope.message.isPrepare }
        for pending in prepares {
            guard case .prepare(let vote) = pending.envelope.message else { continue }
            let forged = SignedEnvelope(sender: pending.envelope.sender, message: .commit(vote), signature: pending.envelope.signature)
            cluster.step(3, .message(forged))
        }
        #expect(cluster.height(3) == 0)
        #expect(cluster.replicas[3].counters.dropped(.badSignature) >= 3)
    }

    @Test("a block with a badly signed transaction gets no PREPARE")
    func badTransactionNoPrepare() throws {
        var cluster = Cluster()
        let good = cluster.transaction()
        let forged = Transaction(
            unchecked: good.chainID, sender: good.sender, nonce: 99, payload: good.payload, signature: good.signature)
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [forged], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: block)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.isEmpty)
        #expect(cluster.replicas[1].counters.dropped(.invalidBlock) == 1)
    }

    @Test("a header whose roots differ from this replica's execution of h − L gets no PREPARE")
    func wrongRootsNoPrepare() {
        var cluster = Cluster()
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [cluster.transaction()], stateRoot: SHA256.hash([1]), receiptsRoot: Cluster.genesisReceiptsRoot)
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: block)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.isEmpty)
    }

    @Test("a block stamped beyond now + clockSkewMaxMillis gets no PREPARE until the clock catches up")
    func futureTimestamp() {
        var cluster = Cluster()
        let block = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash,
            timestampMillis: Cluster.genesisTimeMillis + 1_500, transactions: [cluster.transaction()],
            stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        cluster.step(1, .tick(nowMillis: Cluster.genesisTimeMillis))
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: block)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.isEmpty)
        cluster.step(1, .tick(nowMillis: Cluster.genesisTimeMillis + 600))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.count == 1)
    }

    @Test("a replica PREPAREs h only after it prepared h − 1 with the parent's digest")
    func parentMustBePrepared() {
        var cluster = Cluster(parameters: ConsensusParameters(
            batchSizeMax: 4, checkpointInterval: 2, stateRootLag: 2, watermarkWindow: 4, tickMillis: 100,
            viewTimeoutTicks: 3, viewTimeoutMaxTicks: 12, clockSkewMaxMillis: 1_000))
        let first = Block(
            chainID: Cluster.chainID, height: 1, parentHash: Cluster.genesisHash, timestampMillis: Cluster.genesisTimeMillis + 1,
            transactions: [cluster.transaction()], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        let second = Block(
            chainID: Cluster.chainID, height: 2, parentHash: first.hash, timestampMillis: Cluster.genesisTimeMillis + 2,
            transactions: [cluster.transaction()], stateRoot: Cluster.genesisStateRoot, receiptsRoot: Cluster.genesisReceiptsRoot)
        // Height 2 arrives first: no PREPARE for it while height 1 is not prepared.
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: second)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.isEmpty)
        cluster.step(1, .message(cluster.signed(.prePrepare(PrePrepare(view: 0, block: first)), by: 0)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.count == 1)
        for index in [0, 2, 3] as [UInt16] {
            cluster.step(1, .message(cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: first.hash)), by: index)))
        }
        // Prepared at 1 (own PREPARE is looped back by the host): now height 2 gets its PREPARE.
        cluster.step(1, .message(cluster.signed(.prepare(Vote(view: 0, height: 1, blockHash: first.hash)), by: 1)))
        #expect(cluster.messages(from: 1) { $0.isPrepare }.count == 2)
    }
}
