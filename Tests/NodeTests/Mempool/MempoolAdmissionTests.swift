import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("Mempool admission")
struct MempoolAdmissionTests {
    let consortium: TestConsortium
    let nonces = TestNonces()
    let verifier = CountingVerifier()

    init() throws { consortium = try TestConsortium() }

    func mempool(_ limits: MempoolLimits = MempoolLimits()) -> Mempool {
        Mempool(genesis: consortium.genesis, nonces: nonces, limits: limits, verifier: verifier)
    }

    @Test("a valid transaction is accepted and counted")
    func accepts() async throws {
        let pool = mempool()
        let transaction = try consortium.transfer(from: 0, nonce: 1)
        let results = await pool.admit([transaction])
        #expect(results == [AdmissionResult(transactionID: transaction.id, outcome: .accepted)])
        let counters = await pool.snapshot()
        #expect(counters.size == 1)
        #expect(counters.bytes == transaction.canonicalBytes.count)
        #expect(counters.admitted == 1)
        #expect(counters.signatureChecks == 1)
        #expect(await pool.transaction(transaction.id) == transaction)
    }

    @Test("a transaction for another chain is refused as wrong-chain")
    func wrongChain() async throws {
        let pool = mempool()
        let transaction = try consortium.transfer(from: 0, nonce: 1, chainID: "other-chain")
        let rejection = await pool.admit([transaction])[0].rejection
        #expect(rejection == .wrongChain(expected: TestConsortium.chainID, actual: "other-chain"))
        #expect(rejection?.description.contains("other-chain") == true)
        #expect(verifier.count == 0)
    }

    @Test("a payload of the other genesis format is refused as payload-format, before its signature is checked")
    func payloadFormat() async throws {
        let pool = mempool()
        #expect(consortium.genesis.formatVersion == 1)
        let block = CreditBlockID(projectID: "p-1", vintage: 2025, firstSerial: 1)
        let transaction = try Transaction(
            chainID: TestConsortium.chainID, nonce: 1, payload: .cancelCredits(CreditCorrection(block: block, quantity: 1, reason: "x")),
            signer: consortium.keys[0])
        let rejection = await pool.admit([transaction])[0].rejection
        #expect(rejection?.code == "payload-format")
        #expect(rejection?.description.contains("needs a format-2 genesis") == true)
        #expect(verifier.count == 0)
    }

    @Test("a sender outside the genesis members is refused as not-a-member")
    func notAMember() async throws {
        let pool = mempool()
        let transaction = try consortium.transfer(signer: consortium.outsider, nonce: 1)
        #expect(await pool.admit([transaction])[0].rejection == .notAMember(sender: consortium.outsider.publicKey.address))
        #expect(verifier.count == 0)
    }

    @Test("a wrong signature is refused as invalid-signature")
    func badSignature() async throws {
        let pool = mempool()
        let forged = try consortium.forged(try consortium.transfer(from: 2, nonce: 1))
        #expect(await pool.admit([forged])[0].rejection == .invalidSignature(transactionID: forged.id))
        #expect(await pool.snapshot().rejectedByReason["invalid-signature"] == 1)
        #expect(await pool.count == 0)
    }

    @Test("a nonce at or below the committed nonce is refused as stale-nonce")
    func staleNonce() async throws {
        let pool = mempool()
        nonces.set(consortium.address(0), 5)
        let stale = try consortium.transfer(from: 0, nonce: 5)
        #expect(await pool.admit([stale])[0].rejection == .staleNonce(sender: consortium.address(0), nonce: 5, committedNonce: 5))
        #expect(await pool.admit([try consortium.transfer(from: 0, nonce: 6)])[0].outcome == .accepted)
    }

    @Test("a nonce more than nonceAheadMax above the committed one is refused")
    func futureNonceCap() async throws {
        let pool = mempool(MempoolLimits(nonceAheadMax: 8))
        let edge = try consortium.transfer(from: 0, nonce: 8)
        let beyond = try consortium.transfer(from: 0, nonce: 9)
        let results = await pool.admit([edge, beyond])
        #expect(results[0].outcome == .accepted)
        #expect(results[1].rejection == .nonceTooFarAhead(sender: consortium.address(0), nonce: 9, committedNonce: 0, aheadMax: 8))
    }

    @Test("resubmitting the identical transaction is idempotent and checks no signature again")
    func identicalResubmission() async throws {
        let pool = mempool()
        let transaction = try consortium.transfer(from: 0, nonce: 1)
        _ = await pool.admit([transaction])
        let again = await pool.admit([transaction, transaction])
        #expect(again.map(\.outcome) == [.duplicate, .duplicate])
        #expect(verifier.count == 1)
        #expect(await pool.count == 1)
        #expect(await pool.snapshot().duplicates == 2)
    }

    @Test("a different transaction with a pending (sender, nonce) is refused as conflicting-nonce")
    func conflictingNonce() async throws {
        let pool = mempool()
        let first = try consortium.transfer(from: 0, nonce: 1, amount: 1)
        let second = try consortium.transfer(from: 0, nonce: 1, amount: 2)
        let results = await pool.admit([first, second])
        #expect(results[0].outcome == .accepted)
        #expect(results[1].rejection == .conflictingNonce(sender: consortium.address(0), nonce: 1, pendingID: first.id))
        #expect(await pool.transaction(second.id) == nil)
    }

    @Test("the count bound refuses with mempool-full and evicts nothing")
    func countBound() async throws {
        let pool = mempool(MempoolLimits(transactionsMax: 3))
        let transactions = try (1...4).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        let results = await pool.admit(transactions)
        #expect(results.prefix(3).allSatisfy { $0.outcome == .accepted })
        #expect(results[3].rejection?.code == "mempool-full")
        #expect(await pool.count == 3)
        for transaction in transactions.prefix(3) { #expect(await pool.transaction(transaction.id) != nil) }
    }

    @Test("the byte bound refuses with mempool-full")
    func byteBound() async throws {
        let size = try consortium.transfer(from: 0, nonce: 1).canonicalBytes.count
        let pool = mempool(MempoolLimits(bytesMax: 2 * size + size / 2))
        let transactions = try (1...3).map { try consortium.transfer(from: 1, nonce: UInt64($0)) }
        let results = await pool.admit(transactions)
        #expect(results.map(\.rejection?.code) == [nil, nil, "mempool-full"])
        #expect(await pool.snapshot().bytes == 2 * size)
    }

    @Test("a batch above admissionBatchMax is refused whole")
    func batchBound() async throws {
        let pool = mempool(MempoolLimits(admissionBatchMax: 2))
        let transactions = try (1...3).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        let results = await pool.admit(transactions)
        #expect(results.allSatisfy { $0.rejection == .batchTooLarge(count: 3, maximum: 2) })
        #expect(await pool.count == 0)
    }

    @Test("a mixed batch answers each transaction in order and checks each signature once")
    func mixedBatch() async throws {
        let pool = mempool()
        let good = try (1...20).map { try consortium.transfer(from: Int($0 % 4), nonce: UInt64($0 / 4 + 1)) }
        let forged = try consortium.forged(try consortium.transfer(from: 3, nonce: 40))
        let results = await pool.admit(good + [forged])
        #expect(results.map(\.transactionID) == (good + [forged]).map(\.id))
        #expect(results.prefix(20).allSatisfy { $0.outcome == .accepted })
        #expect(results[20].rejection?.code == "invalid-signature")
        #expect(verifier.count == 21)
        #expect(await pool.snapshot().signatureChecks == 21)
    }

    @Test("concurrent admissions of overlapping transactions keep one per (sender, nonce)")
    func concurrentAdmission() async throws {
        let pool = mempool()
        // Each (sender, nonce) has two competing versions; every task submits a mix.
        let versions = try (0..<4).flatMap { member in
            try (1...16).flatMap { nonce in
                try [1, 2].map { amount in try consortium.transfer(from: member, nonce: UInt64(nonce), amount: UInt64(amount)) }
            }
        }
        let results = await withTaskGroup(of: [AdmissionResult].self) { group in
            for task in 0..<8 {
                let slice = versions.enumerated().filter { ($0.offset + task) % 3 != 0 }.map(\.element)
                group.addTask { await pool.admit(task % 2 == 0 ? slice : slice.reversed()) }
            }
            var all: [AdmissionResult] = []
            for await results in group { all += results }
            return all
        }
        #expect(await pool.count == 4 * 16)
        let acceptedIDs = Set(results.filter { $0.outcome == .accepted }.map(\.transactionID))
        #expect(acceptedIDs.count == 4 * 16)
        for id in acceptedIDs { #expect(await pool.transaction(id) != nil) }
        let conflicts = results.filter { $0.rejection?.code == "conflicting-nonce" }
        #expect(conflicts.allSatisfy { !acceptedIDs.contains($0.transactionID) })
    }
}
