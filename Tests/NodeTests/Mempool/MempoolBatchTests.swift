import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("Mempool batches and commits")
struct MempoolBatchTests {
    let consortium: TestConsortium
    let nonces = TestNonces()

    init() throws { consortium = try TestConsortium() }

    func mempool(_ limits: MempoolLimits = MempoolLimits()) -> Mempool {
        Mempool(genesis: consortium.genesis, nonces: nonces, limits: limits)
    }

    @Test("a batch holds each sender's contiguous run from committed nonce + 1 and stops at a gap")
    func contiguity() async throws {
        let pool = mempool()
        let a1 = try consortium.transfer(from: 0, nonce: 1)
        let a2 = try consortium.transfer(from: 0, nonce: 2)
        let a4 = try consortium.transfer(from: 0, nonce: 4)
        let b2 = try consortium.transfer(from: 1, nonce: 2)  // sender 1 has nonce 1 missing
        let c6 = try consortium.transfer(from: 2, nonce: 6)
        nonces.set(consortium.address(2), 5)
        _ = await pool.admit([a4, b2, a2, c6, a1])
        let batch = await pool.nextBatch(maxCount: 100, maxBytes: 1_000_000)
        // Arrival order: a4, b2, a2, c6, a1 — a1 arrived last, so the run a1, a2 orders after c6.
        #expect(batch.map(\.id) == [c6.id, a1.id, a2.id])
    }

    @Test("the order is deterministic: the same admissions give the same batch")
    func deterministic() async throws {
        let transactions = try (0..<4).flatMap { member in try (1...5).map { try consortium.transfer(from: member, nonce: UInt64($0)) } }
        let shuffled = transactions.shuffled()
        var batches: [[Digest]] = []
        for _ in 0..<3 {
            let pool = mempool()
            for transaction in shuffled { _ = await pool.admit([transaction]) }
            batches.append(await pool.nextBatch(maxCount: 1_000, maxBytes: 1_000_000).map(\.id))
        }
        #expect(batches[0].count == 20)
        #expect(batches[0] == batches[1] && batches[1] == batches[2])
        // Arrival order, one admission at a time, is kept when each sender's nonces arrive in order.
        let inOrder = transactions.sorted { ($0.nonce, $0.senderAddress) < ($1.nonce, $1.senderAddress) }
        let pool = mempool()
        for transaction in inOrder { _ = await pool.admit([transaction]) }
        #expect(await pool.nextBatch(maxCount: 1_000, maxBytes: 1_000_000).map(\.id) == inOrder.map(\.id))
    }

    @Test("maxCount and maxBytes bound a batch without leaving a nonce gap")
    func bounds() async throws {
        let pool = mempool()
        let size = try consortium.transfer(from: 0, nonce: 1).canonicalBytes.count
        let run = try (1...5).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        _ = await pool.admit(run)
        #expect(await pool.nextBatch(maxCount: 2, maxBytes: 1_000_000).map(\.nonce) == [1, 2])
        #expect(await pool.nextBatch(maxCount: 10, maxBytes: 2 * size + 1).map(\.nonce) == [3, 4])
        #expect(await pool.nextBatch(maxCount: 10, maxBytes: size - 1).isEmpty)
        #expect(await pool.nextBatch(maxCount: 0, maxBytes: 1_000_000).isEmpty)
    }

    @Test("a transaction in flight is never handed out twice")
    func noDoubleHandOut() async throws {
        let pool = mempool()
        let run = try (1...6).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        _ = await pool.admit(run)
        let first = await pool.nextBatch(maxCount: 3, maxBytes: 1_000_000)
        let second = await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000)
        let third = await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000)
        #expect(first.map(\.nonce) == [1, 2, 3])
        #expect(second.map(\.nonce) == [4, 5, 6])
        #expect(third.isEmpty)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(await pool.snapshot().inFlight == 6)
    }

    @Test("release returns an abandoned proposal's transactions")
    func release() async throws {
        let pool = mempool()
        let run = try (1...3).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        _ = await pool.admit(run)
        let batch = await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000)
        #expect(await pool.release(batch.map(\.id) + [Digest.zero]) == 3)
        #expect(await pool.release(batch.map(\.id)) == 0)
        #expect(await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000).map(\.id) == batch.map(\.id))
    }

    @Test("committed(block:) removes included and now-stale transactions, and later nonces become ready")
    func commitCleanup() async throws {
        let pool = mempool()
        let run = try (1...4).map { try consortium.transfer(from: 0, nonce: UInt64($0)) }
        let otherVersion = try consortium.transfer(from: 1, nonce: 1, amount: 7)
        let included = try consortium.transfer(from: 1, nonce: 1, amount: 8)
        _ = await pool.admit(run + [otherVersion])
        let batch = await pool.nextBatch(maxCount: 2, maxBytes: 1_000_000)
        #expect(batch.map(\.id) == [run[0].id, run[1].id])
        // The block commits sender 0's nonces 1–2 (one proposed elsewhere) and another version of sender 1's nonce 1.
        nonces.set(consortium.address(0), 2)
        nonces.set(consortium.address(1), 1)
        await pool.committed(block: testBlock([run[0], run[1], included]))
        let counters = await pool.snapshot()
        #expect(counters.size == 2)
        #expect(counters.inFlight == 0)
        #expect(await pool.transaction(otherVersion.id) == nil)
        #expect(await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000).map(\.nonce) == [3, 4])
    }

    @Test("stale entries are dropped when the committed nonce moves without a block call")
    func staleDroppedByBatch() async throws {
        let pool = mempool()
        _ = await pool.admit(try (1...3).map { try consortium.transfer(from: 0, nonce: UInt64($0)) })
        nonces.set(consortium.address(0), 2)  // e.g. after state transfer
        #expect(await pool.nextBatch(maxCount: 10, maxBytes: 1_000_000).map(\.nonce) == [3])
        #expect(await pool.count == 1)
    }
}
