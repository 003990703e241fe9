import LedgerCore
import LedgerCrypto

/// The checkers: agreement, validity, certificates, no regression, no contradicting votes
/// from honest replicas (across restarts), and liveness once the faults stop.
extension Simulation {
    func violation(_ text: String) {
        guard result.violations.count < Simulation.violationsMax else { return }
        result.violations.append(text)
        // A safety violation ends the run: its first reason is the one that matters.
        if !text.hasPrefix("liveness") { finished = true }
        trace.line("t=\(now) VIOLATION \(text)", keep: options.trace)
    }

    func checkCommit(_ committed: CommittedBlock, node: Int) {
        let block = committed.block
        let height = block.height
        let expected = UInt64(nodes[node].store.count) + 1
        guard nodes[node].isHonest else { return }
        let shown = realKeys ? "·" : block.hash.shortHex
        trace.line("t=\(now) n\(node) commit h=\(height) \(shown) v=\(committed.certificate.view) txs=\(block.transactions.count)", keep: options.trace)
        if height != expected { violation("regression: n\(node) committed height \(height), expected \(expected)") }
        if let first = canonicalChain[height] {
            if first != block.hash { violation("agreement: height \(height) has two committed blocks (n\(node) differs)") }
        } else {
            canonicalChain[height] = block.hash
        }
        let certificate = committed.certificate
        if certificate.blockHash != block.hash || certificate.height != height {
            violation("certificate: n\(node) height \(height) certificate is for another block")
        } else if let error = certificateError(certificate) {
            violation("certificate: n\(node) height \(height): \(error)")
        }
        for transaction in block.transactions {
            if !offered.contains(transaction.id) { violation("validity: n\(node) height \(height) has a transaction nobody offered") }
            if (try? transaction.verifySignature(using: verifier)) == nil {
                violation("validity: n\(node) height \(height) has a badly signed transaction")
            }
        }
    }

    /// An honest primary proposes only transactions that keep the application's rules and
    /// carry a valid signature, whatever faulty peers forwarded to it.
    func checkProposal(_ message: ConsensusMessage, node: Int) {
        guard case .prePrepare(let proposal) = message else { return }
        if options.trace {
            trace.line("t=\(now) n\(node) proposes h=\(proposal.height) \(realKeys ? "·" : proposal.block.hash.shortHex) v=\(proposal.view) txs=\(proposal.block.transactions.count)", keep: true)
        }
        for transaction in proposal.block.transactions {
            if let broken = rules.violation(transaction) {
                violation("validity: honest n\(node) proposed at height \(proposal.height) a transaction that breaks the rules (\(broken))")
            } else if (try? transaction.verifySignature(using: verifier)) == nil {
                violation("validity: honest n\(node) proposed at height \(proposal.height) a badly signed transaction")
            }
        }
    }

    func certificateError(_ certificate: CommitCertificate) -> String? {
        do {
            try certificate.verify(chainID: chainID, genesisHash: genesisHash, validators: validators, verifier: verifier)
            return nil
        } catch {
            return error.description
        }
    }

    /// An honest validator never sends two different votes for one kind, view and height.
    /// Returns the key if this vote was new (a crash inside the step may still unsend it).
    func checkVote(_ message: ConsensusMessage, validator: UInt16) -> VoteRecordKey? {
        guard let key = Replica.sentKey(message) else { return nil }
        let record = VoteRecordKey(validator: validator, kind: key.kind, view: key.view, height: key.height)
        let digest = Replica.votedDigest(message)
        // A VIEW-CHANGE for view w promises no new PRE-PREPARE, PREPARE or COMMIT in any view
        // below w (a restart that forgot it, from a torn or rolled-back journal, breaks it); the
        // same vote sent again is no new promise.
        if key.kind != .checkpoint, honestVotes[record] == nil, let abandoned = viewChangeMax(of: validator), abandoned > key.view {
            violation("abandoned view: honest validator \(validator) sent a \(key.kind) for view \(key.view) height \(key.height) after its VIEW-CHANGE for view \(abandoned)")
        }
        if let previous = honestVotes[record], previous != digest {
            violation("double vote: honest validator \(validator) sent two \(key.kind) at view \(key.view) height \(key.height)")
        }
        guard honestVotes[record] == nil else { return nil }
        honestVotes[record] = digest
        return record
    }

    /// The highest view an honest validator sent a VIEW-CHANGE for (messages that never left,
    /// lost with their step's journal, do not count).
    func viewChangeMax(of validator: UInt16) -> UInt64? {
        if let cached = viewChangeMaxByValidator[validator] { return cached }
        let highest = honestViewMessages.keys.filter { $0.validator == validator && !$0.isNewView }.map(\.view).max()
        viewChangeMaxByValidator[validator] = highest
        return highest
    }

    /// An honest validator never signs two different VIEW-CHANGEs, or two different NEW-VIEWs,
    /// for one view (a rolled-back replica rebuilding one would). Returns the key if new.
    func checkViewMessage(_ message: ConsensusMessage, validator: UInt16, digest: Digest) -> ViewMessageKey? {
        let key: ViewMessageKey
        switch message {
        case .viewChange(let change): key = ViewMessageKey(validator: validator, isNewView: false, view: change.newView)
        case .newView(let newView): key = ViewMessageKey(validator: validator, isNewView: true, view: newView.view)
        default: return nil
        }
        if let previous = honestViewMessages[key] {
            if previous != digest {
                violation("double vote: honest validator \(validator) sent two different \(key.isNewView ? "NEW-VIEW" : "VIEW-CHANGE")s for view \(key.view)")
            }
            return nil
        }
        honestViewMessages[key] = digest
        viewChangeMaxByValidator[validator] = nil
        return key
    }

    /// Once every honest replica reached its targets the network is healthy: an honest primary
    /// is never voted out then, so over the observation window the view may pass at most the
    /// f views of faulty primaries (and the one it leaves).
    func checkViewsSettled() {
        let view = honestNodes.map { nodes[$0].replica.view }.max() ?? 0
        let allowed = UInt64(faultsTolerated + 1 + (skewedBeyondBound == nil ? 0 : 1))
        trace.line("t=\(now) observed: view \(viewAtStable) → \(view)", keep: options.trace)
        if view > viewAtStable + allowed {
            violation("liveness: the view kept growing in a healthy network: \(viewAtStable) → \(view) in \(now - (stableAt ?? now)) ms")
        }
    }

    /// What honest replicas accepted from their hosts and is not committed anywhere: dropped
    /// (neither in the accepting replica's mempool nor committed — a crash excepted, where
    /// memory is lost, and the transaction is then no longer in `acceptedBy`), and waiting per
    /// node (in its mempool, or still queued by its host).
    func uncommitted() -> (dropped: Int, example: (Digest, Int)?, waiting: [Int: (mempool: Int, host: Int)]) {
        var committed = Set<Digest>()
        for node in honestNodes { for entry in nodes[node].store { for transaction in entry.block.transactions { committed.insert(transaction.id) } } }
        var dropped = 0
        var example: (Digest, Int)?
        var waiting: [Int: (mempool: Int, host: Int)] = [:]
        for (id, node) in acceptedBy where !committed.contains(id) {
            guard !nodes[node].replica.mempool.contains(id) else {
                waiting[node, default: (0, 0)].mempool += 1
                continue
            }
            dropped += 1
            if example == nil || (id.hex, node) < (example!.0.hex, example!.1) { example = (id, node) }
        }
        for node in honestNodes where !hostQueues[node].isEmpty { waiting[node, default: (0, 0)].host += hostQueues[node].count }
        return (dropped, example, waiting)
    }

    /// The waiting that counts against liveness: at replicas that are up to date. A replica still
    /// catching up (a faulty state-transfer peer, a missed NEW-VIEW) holds its clients' work until
    /// it has — its own share of its mempool is full of transactions the others committed.
    func stalled(_ waiting: [Int: (mempool: Int, host: Int)]) -> [Int: (mempool: Int, host: Int)] {
        let highest = honestNodes.map { nodes[$0].store.count }.max() ?? 0
        return waiting.filter { nodes[$0.key].store.count + 2 >= highest }
    }

    /// Whatever an honest replica accepted from its host is committed in the end: never dropped
    /// without a word, and, in a healthy network, committed within `drainBoundMillis` of the
    /// targets being reached at every up-to-date replica. Counted, not failed: what waits at a
    /// replica still catching up, and everything when a primary's clock runs beyond the bound —
    /// it is slow, each proposal waiting until the others' clocks reach its timestamp, and never
    /// slow enough to be voted out (docs/consensus.md, "Known gaps").
    func checkNothingLost() {
        let (dropped, example, waiting) = uncommitted()
        result.waitingAtEnd += waiting.values.reduce(0) { $0 + $1.mempool + $1.host }
        if dropped > 0, let (id, node) = example {
            violation("lost: \(dropped) transactions honest replicas accepted are neither committed nor in their mempools (e.g. \(id.shortHex) at n\(node))")
        }
        let stalled = stalled(waiting)
        if !stalled.isEmpty, skewedBeyondBound == nil {
            let count = stalled.values.reduce(0) { $0 + $1.mempool + $1.host }
            let detail = stalled.keys.sorted().map { "n\($0): \(stalled[$0]!.mempool) in its mempool, \(stalled[$0]!.host) queued by its host" }
            violation("stalled: \(count) transactions honest replicas accepted still wait uncommitted \(Simulation.drainBoundMillis) ms after the targets were reached in a healthy network (\(detail.joined(separator: "; ")))")
            for node in nodes.indices { trace.line("state n\(node): \(nodes[node].replica.stateSummary)", keep: options.trace) }
        }
    }

    func reportLiveness() {
        for node in honestNodes {
            let height = UInt64(nodes[node].store.count)
            let atHeal = heightsAtHeal[node, default: 0]
            if height < options.blocksTarget || height < atHeal + options.livenessBlocks {
                violation("liveness: n\(node) at height \(height) (\(atHeal) when faults stopped) after \(options.livenessBoundMillis) ms")
            }
        }
        for node in nodes.indices { trace.line("state n\(node): \(nodes[node].replica.stateSummary)", keep: options.trace) }
    }
}

/// Hashes the run's schedule and trace lines as they happen (chained SHA-256 over 64 KiB
/// chunks), so two runs of one seed can be compared by one digest.
struct TraceHasher {
    private var buffer = CanonicalWriter(capacity: 70_000)
    private var chained = Digest.zero
    private(set) var lines: [String] = []
    static let linesMax = 100_000

    mutating func record(time: UInt64, node: Int, messages: Int, committed: Int) {
        buffer.write(time)
        buffer.write(UInt16(truncatingIfNeeded: node))
        buffer.write(UInt32(truncatingIfNeeded: messages))
        buffer.write(UInt32(truncatingIfNeeded: committed))
        flushIfFull()
    }

    mutating func line(_ text: String, keep: Bool) {
        buffer.writeFixed(Array(text.utf8))
        buffer.write(UInt8(0x0a))
        if keep, lines.count < TraceHasher.linesMax { lines.append(text) }
        flushIfFull()
    }

    private mutating func flushIfFull() {
        guard buffer.bytes.count >= 65_536 else { return }
        flush()
    }

    private mutating func flush() {
        chained = SHA256.hash(parts: [chained.bytes, buffer.bytes])
        buffer = CanonicalWriter(capacity: 70_000)
    }

    mutating func finish() -> Digest {
        flush()
        return chained
    }
}
