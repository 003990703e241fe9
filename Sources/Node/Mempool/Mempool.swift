import Dispatch
import LedgerCore
import LedgerCrypto
import Logging

/// The node's pool of signed transactions waiting for a block.
///
/// An **actor**: admission comes from many API request tasks at once and proposals from the
/// consensus driver, so the pool needs one owner of its state; an actor gives that without
/// locks. Signature checks, the only expensive step, run outside the actor's isolation in
/// `ParallelSignatureCheck` (one child task per core), and the cheap rules are checked again
/// after that suspension, since other admissions may have run meanwhile.
///
/// Rules: chain id matches, sender is a genesis member, the payload is of the genesis's
/// format (`TransactionRules`), signature valid (checked once per
/// admitted transaction), nonce above the sender's committed nonce and at most
/// `nonceAheadMax` above it, one transaction per (sender, nonce) — the identical one again is
/// idempotent, a different one is refused — and the pool stays within its count and byte
/// bounds (refusing, never evicting).
public actor Mempool {
    public let chainID: Identifier
    public let limits: MempoolLimits
    private let members: Set<Address>
    private let rules: TransactionRules
    private let nonces: any CommittedNonceSource
    private let verifier: any SignatureVerifier
    private let logger: Logger

    /// Per sender, nonce → entry (at most `nonceAheadMax` each).
    private var senders: [Address: [UInt64: PendingEntry]] = [:]
    /// Transaction id → (sender, nonce).
    private var locations: [Digest: SenderNonce] = [:]
    private var bytesHeld = 0
    private var nextArrival: UInt64 = 0
    private var counters = MempoolCounters()
    private var wasFull = false

    private struct SenderNonce: Hashable {
        let sender: Address
        let nonce: UInt64
    }

    public init(
        genesis: Genesis, nonces: some CommittedNonceSource, limits: MempoolLimits = MempoolLimits(),
        verifier: some SignatureVerifier = P256Verifier(), logger: Logger = Logger(label: "greenledger.mempool")
    ) {
        chainID = genesis.chainID
        members = Set(genesis.members.map(\.address))
        rules = TransactionRules(genesis: genesis)
        self.nonces = nonces
        self.limits = limits
        self.verifier = verifier
        self.logger = logger
    }

    // MARK: - Admission

    /// Admits a batch; `result[i]` answers `transactions[i]`. A batch above
    /// `limits.admissionBatchMax` is refused whole.
    public func admit(_ transactions: [Transaction]) async -> [AdmissionResult] {
        guard transactions.count <= limits.admissionBatchMax else {
            let rejection = MempoolRejection.batchTooLarge(count: transactions.count, maximum: limits.admissionBatchMax)
            counters.rejectedByReason[rejection.code, default: 0] += UInt64(transactions.count)
            return transactions.map { AdmissionResult(transactionID: $0.id, outcome: .rejected(rejection)) }
        }
        var outcomes = [AdmissionResult.Outcome?](repeating: nil, count: transactions.count)
        var toVerify: [Int] = []
        for (index, transaction) in transactions.enumerated() {
            if let decided = precheck(transaction, sizeBytes: nil) { outcomes[index] = decided } else { toVerify.append(index) }
        }
        let candidates = toVerify.map { transactions[$0] }
        counters.signatureChecks += UInt64(candidates.count)
        // Suspends: other admissions, batches and commits may run here.
        let valid = await ParallelSignatureCheck.verify(candidates, verifier: verifier)
        for (slot, index) in toVerify.enumerated() {
            let transaction = transactions[index]
            guard valid[slot] else {
                outcomes[index] = .rejected(.invalidSignature(transactionID: transaction.id))
                continue
            }
            outcomes[index] = insert(transaction)
        }
        let results = zip(transactions, outcomes).map { AdmissionResult(transactionID: $0.id, outcome: $1!) }
        record(results)
        return results
    }

    /// The rules that need no signature check; nil when the transaction may be admitted.
    /// `sizeBytes` given also checks the byte and count bounds for inserting it.
    private func precheck(_ transaction: Transaction, sizeBytes: Int?) -> AdmissionResult.Outcome? {
        guard transaction.chainID == chainID else { return .rejected(.wrongChain(expected: chainID, actual: transaction.chainID)) }
        let sender = transaction.senderAddress
        guard members.contains(sender) else { return .rejected(.notAMember(sender: sender)) }
        if let violation = rules.formatViolation(transaction.payload) { return .rejected(.payloadFormat(violation.description)) }
        if locations[transaction.id] != nil { return .duplicate }
        let committed = nonces.committedNonce(of: sender)
        guard transaction.nonce > committed else {
            return .rejected(.staleNonce(sender: sender, nonce: transaction.nonce, committedNonce: committed))
        }
        guard transaction.nonce - committed <= limits.nonceAheadMax else {
            return .rejected(
                .nonceTooFarAhead(sender: sender, nonce: transaction.nonce, committedNonce: committed, aheadMax: limits.nonceAheadMax))
        }
        if let pending = senders[sender]?[transaction.nonce] {
            return .rejected(.conflictingNonce(sender: sender, nonce: transaction.nonce, pendingID: pending.transaction.id))
        }
        let fits = locations.count < limits.transactionsMax && bytesHeld + (sizeBytes ?? 0) <= limits.bytesMax
        guard fits else { return .rejected(.mempoolFull(transactionsMax: limits.transactionsMax, bytesMax: limits.bytesMax)) }
        return nil
    }

    private func insert(_ transaction: Transaction) -> AdmissionResult.Outcome {
        let sizeBytes = transaction.canonicalBytes.count
        if let decided = precheck(transaction, sizeBytes: sizeBytes) { return decided }
        let sender = transaction.senderAddress
        senders[sender, default: [:]][transaction.nonce] = PendingEntry(
            transaction: transaction, sizeBytes: sizeBytes, arrival: nextArrival, inFlight: false,
            admittedUptimeNanos: DispatchTime.now().uptimeNanoseconds)
        locations[transaction.id] = SenderNonce(sender: sender, nonce: transaction.nonce)
        nextArrival += 1
        bytesHeld += sizeBytes
        return .accepted
    }

    private func record(_ results: [AdmissionResult]) {
        var accepted = 0
        var rejected = 0
        for result in results {
            switch result.outcome {
            case .accepted:
                counters.admitted += 1
                accepted += 1
            case .duplicate:
                counters.duplicates += 1
            case .rejected(let rejection):
                counters.rejectedByReason[rejection.code, default: 0] += 1
                rejected += 1
            }
        }
        logger.debug("admitted transactions", metadata: [
            "accepted": "\(accepted)", "rejected": "\(rejected)", "duplicates": "\(results.count - accepted - rejected)",
            "size": "\(locations.count)", "bytes": "\(bytesHeld)",
        ])
        let full = results.contains { if case .mempoolFull = $0.rejection { true } else { false } }
        if full && !wasFull {
            logger.warning("mempool full: refusing new transactions until blocks commit", metadata: [
                "size": "\(locations.count)", "transactionsMax": "\(limits.transactionsMax)",
                "bytes": "\(bytesHeld)", "bytesMax": "\(limits.bytesMax)",
            ])
        }
        wasFull = wasFull || full
    }

    // MARK: - Proposing

    /// Transactions ready to propose, at most `maxCount` of them and `maxBytes` of canonical
    /// bytes: per sender a contiguous run of nonces from its committed nonce + 1 (skipping
    /// those already in flight), all senders merged by arrival. The returned transactions are
    /// in flight until `committed(block:)` removes them or `release` returns them; none is
    /// handed out again meanwhile.
    public func nextBatch(maxCount: Int, maxBytes: Int) -> [Transaction] {
        let countMax = min(maxCount, Limits.blockTransactionsMax)
        guard countMax > 0, maxBytes > 0 else { return [] }
        let candidates = readyCandidates().sorted {
            ($0.orderKey, $0.entry.transaction.nonce) < ($1.orderKey, $1.entry.transaction.nonce)
        }
        var batch: [Transaction] = []
        var batchBytes = 0
        var blockedSenders = Set<Address>()
        for candidate in candidates {
            guard batch.count < countMax else { break }
            let transaction = candidate.entry.transaction
            let sender = transaction.senderAddress
            guard !blockedSenders.contains(sender) else { continue }
            guard batchBytes + candidate.entry.sizeBytes <= maxBytes else {
                // Its higher nonces would leave a gap: skip the rest of this sender.
                blockedSenders.insert(sender)
                continue
            }
            batch.append(transaction)
            batchBytes += candidate.entry.sizeBytes
            senders[sender]![transaction.nonce]!.inFlight = true
        }
        counters.inFlight += batch.count
        return batch
    }

    /// Every ready, not-in-flight entry; drops entries a commit made stale on the way.
    private func readyCandidates() -> [BatchCandidate] {
        var candidates: [BatchCandidate] = []
        for sender in Array(senders.keys) {
            let committed = nonces.committedNonce(of: sender)
            dropStale(sender: sender, committedNonce: committed)
            guard let queue = senders[sender] else { continue }
            var orderKey: UInt64 = 0
            var nonce = committed
            while nonce < UInt64.max, let entry = queue[nonce + 1] {
                nonce += 1
                orderKey = max(orderKey, entry.arrival)
                if !entry.inFlight { candidates.append(BatchCandidate(orderKey: orderKey, entry: entry)) }
            }
        }
        return candidates
    }

    /// Returns transactions of an abandoned proposal to the pool; ids no longer held are
    /// ignored. Returns how many were released.
    @discardableResult
    public func release(_ transactionIDs: [Digest]) -> Int {
        var released = 0
        for id in transactionIDs {
            guard let location = locations[id], senders[location.sender]?[location.nonce]?.inFlight == true else { continue }
            senders[location.sender]![location.nonce]!.inFlight = false
            released += 1
        }
        counters.inFlight -= released
        if released > 0 { logger.debug("released transactions of an abandoned proposal", metadata: ["count": "\(released)"]) }
        return released
    }

    /// Removes the block's transactions and every transaction its senders can no longer use
    /// (nonce at or below their committed nonce).
    public func committed(block: Block) {
        var touched = Set<Address>()
        for transaction in block.transactions {
            touched.insert(transaction.senderAddress)
            if let location = locations[transaction.id] { remove(location) }
        }
        for sender in touched { dropStale(sender: sender, committedNonce: nonces.committedNonce(of: sender)) }
        if wasFull && locations.count < limits.transactionsMax && bytesHeld < limits.bytesMax {
            wasFull = false
            logger.info("mempool has room again", metadata: ["size": "\(locations.count)", "bytes": "\(bytesHeld)"])
        }
    }

    private func dropStale(sender: Address, committedNonce: UInt64) {
        guard let queue = senders[sender] else { return }
        for nonce in queue.keys where nonce <= committedNonce { remove(SenderNonce(sender: sender, nonce: nonce)) }
    }

    private func remove(_ location: SenderNonce) {
        guard let entry = senders[location.sender]?.removeValue(forKey: location.nonce) else { return }
        if senders[location.sender]!.isEmpty { senders[location.sender] = nil }
        locations[entry.transaction.id] = nil
        bytesHeld -= entry.sizeBytes
        if entry.inFlight { counters.inFlight -= 1 }
        counters.removedByCommit += 1
        precondition(bytesHeld >= 0 && counters.inFlight >= 0, "mempool accounting went negative")
    }

    // MARK: - Queries

    /// The pending transaction with this id, if held.
    public func transaction(_ id: Digest) -> Transaction? {
        guard let location = locations[id] else { return nil }
        return senders[location.sender]?[location.nonce]?.transaction
    }

    public var count: Int { locations.count }

    public func snapshot() -> MempoolCounters {
        var snapshot = counters
        snapshot.size = locations.count
        snapshot.bytes = bytesHeld
        // Only transactions a block could carry now: each sender's next nonce. One waiting behind
        // a gap (its predecessor lost or sent elsewhere) is not the network's to commit, and
        // must not make an idle, working chain look stalled.
        for (sender, queue) in senders {
            guard let next = queue[nonces.committedNonce(of: sender) &+ 1] else { continue }
            snapshot.ready += 1
            snapshot.oldestReadyUptimeNanos = min(snapshot.oldestReadyUptimeNanos ?? .max, next.admittedUptimeNanos)
        }
        return snapshot
    }
}
