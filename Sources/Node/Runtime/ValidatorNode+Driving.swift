import Consensus
import Foundation
import LedgerCore
import LedgerCrypto
import Logging
import PeerNetwork
import Storage

extension ValidatorNode {
    /// Steps `event` and everything it causes, to quiescence. Synchronous on the actor: no
    /// other event can interleave between persisting a step's journal and sending its messages.
    func drive(_ event: ReplicaEvent) {
        guard !stopped else { return }
        pendingEvents.append(event)
        guard !isDriving else { return }
        isDriving = true
        defer { isDriving = false }
        var steps = 0
        var transferring = replica.stateTransferTarget != nil
        while !pendingEvents.isEmpty, !stopped {
            let next = pendingEvents.removeFirst()
            noteProposal(next)
            let output = replica.step(next)
            handle(output)
            steps += 1
            precondition(steps < 1_000_000, "the replica did not reach quiescence")
            if transferring, replica.stateTransferTarget == nil { askPeersAfterCatchUp() }
            transferring = replica.stateTransferTarget != nil
        }
    }

    /// A state transfer fetches up to the last stable checkpoint; blocks committed after it
    /// come with the next commit — which on an idle network may be long. So when a transfer
    /// ends, every connected peer is asked for the certified blocks above this node's height,
    /// as when a peer connects (the replica takes only the next blocks with valid certificates).
    private func askPeersAfterCatchUp() {
        guard !connectedPeers.isEmpty else { return }
        logger.info("state transfer ended at height \(state.height); asking \(connectedPeers.count) peers for any later certified blocks")
        for peer in connectedPeers.sorted() { askForBlocksAfterOurs(peer: peer) }
    }

    func tick() async {
        guard !stopped else { return }
        await offerPending()
        drive(.tick(nowMillis: UInt64(Date().timeIntervalSince1970 * 1_000)))
    }

    /// Hands the replica as many pending transactions as its mempool has room for. The mempool
    /// marks them in flight; any the replica still cannot take come back in
    /// `refusedTransactions` and are released, so an accepted transaction is never lost between
    /// the two (it stays pending here until it commits).
    func offerPending() async {
        let room = min(Int(genesis.consensus.batchSizeMax), ConsensusLimits.forwardTransactionsMax, replica.mempoolRoom)
        guard room > 0 else { return }
        let batch = await mempool.nextBatch(maxCount: room, maxBytes: 8 * 1_024 * 1_024)
        if !batch.isEmpty { drive(.transactions(batch)) }  // drive ignores events once the node stops
    }

    func receive(_ inbound: InboundMessage) async {
        let message: PeerWire.Message
        do { message = try PeerWire.decode(inbound.payload) } catch {
            counters.peerMessagesUndecodable += 1
            logFromPeer("undecodable", inbound.sender) { "dropped an undecodable message from \(peerName(inbound.sender)): \(error)\($0)" }
            return
        }
        switch message {
        case .consensus(let envelope):
            guard Int(envelope.sender) == inbound.sender else {
                counters.peerMessagesMisattributed += 1
                logFromPeer("misattributed", inbound.sender) {
                    "dropped a message from \(peerName(inbound.sender)) claiming to be from validator \(envelope.sender)\($0)"
                }
                return
            }
            await checkSignaturesInParallel(envelope)
            drive(.message(envelope))
        case .blocksRequest(let from, let to):
            serveBlocks(from: from, to: to, peer: inbound.sender)
        case .blocksResponse(let blocks):
            // Outside a state transfer, only the one answer to the question asked when the
            // peer connected is stepped: unsolicited blocks cost certificate checks.
            if replica.stateTransferTarget == nil, askedForBlocks.remove(inbound.sender) == nil {
                counters.unsolicitedBlockResponses += 1
                return
            }
            let before = state.height
            steppingBlocksAnswer = true
            drive(.stateTransferResponse(StateTransferResponse(peer: UInt16(inbound.sender), entries: blocks)))
            steppingBlocksAnswer = false
            // An answer that moved this node on: the peer may have more (a page ends at 64 blocks
            // or 4 MiB), so ask for the next; an answer that moved nothing ends it. A faulty peer
            // cannot keep this going without certified progress.
            if state.height > before, replica.stateTransferTarget == nil, !askedForBlocks.contains(inbound.sender) {
                askForBlocksAfterOurs(peer: inbound.sender)
            }
        }
    }

    /// Checks on every core, off this actor, the signatures the replica is about to check when
    /// it steps `envelope` (`Replica.signaturePrecheck`: a FORWARD's new transactions, the
    /// current primary's PRE-PREPARE for an open slot): the results land in the signature
    /// cache, so the replica's own checks — which still decide — are cache hits instead of
    /// ECDSA on the one actor that runs consensus and execution. Nothing the replica would
    /// refuse unchecked is checked here. The actor is free for admissions and ticks meanwhile;
    /// messages still step one at a time in arrival order (the inbound loop awaits `receive`).
    private func checkSignaturesInParallel(_ envelope: SignedEnvelope) async {
        let precheck = replica.signaturePrecheck(for: envelope)
        guard precheck.transactions.count >= ParallelSignatureCheck.parallelThreshold else { return }
        _ = await ParallelSignatureCheck.verify(precheck.transactions, verifier: verifier, stopAtFirstFailure: precheck.stopAtFirstFailure)
    }

    /// Logs a line a faulty validator can trigger at will: a few per minute per peer and kind,
    /// the rest counted (`greenledger_peer_log_lines_suppressed_total`).
    func logFromPeer(_ kind: String, _ peer: Int, _ line: (String) -> String) {
        guard let heldBack = peerLogLimiter.permit("\(kind)-\(peer)", now: DispatchTime.now().uptimeNanoseconds) else { return }
        logger.warning("\(line(LogLimiter.note(heldBack)))")
    }

    func peerName(_ index: Int) -> String {
        genesis.validators.indices.contains(index) ? genesis.validators[index].name.value : "validator \(index)"
    }

    /// Does what one step asks, in the order the replica requires.
    private func handle(_ output: ReplicaOutput) {
        guard !output.isEmpty else { return }
        persistJournal(output)
        if !output.messages.isEmpty, !output.journalAppends.isEmpty || output.journalReplacement != nil {
            crashPoints.reach(.journalWritten)
        }
        if crashPoints.armed == .someSent, let first = output.messages.first {
            // Crash mid-send: the first message reaches one peer (a broadcast only its first
            // recipient), nothing else leaves.
            if case .broadcast = first.destination, crashPoints.isDue(.someSent) {
                let other = (Int(selfIndex) + 1) % genesis.validators.count
                if other != Int(selfIndex) { send(first, broadcastOnlyTo: other) }
                crashPoints.exit(at: .someSent)
            } else if output.messages.count >= 2, crashPoints.isDue(.someSent) {
                send(first)
                crashPoints.exit(at: .someSent)
            }
        }
        for outbound in output.messages { send(outbound) }
        for (offset, committed) in output.committed.enumerated() {
            execute(committed, moreCertified: offset < output.committed.count - 1)
        }
        for item in output.evidence { noteEvidence(item) }
        for (validator, count) in output.invalidForwards.sorted(by: { $0.key < $1.key }) { noteInvalidForwards(count, from: validator) }
        if !output.refusedTransactions.isEmpty {
            counters.transactionsReturnedToMempool += output.refusedTransactions.count
            let mempool = self.mempool
            let refused = output.refusedTransactions
            Task { await mempool.release(refused) }
        }
        for request in output.stateTransferRequests {
            logger.notice("catching up: asking \(peerName(Int(request.peer))) for blocks \(request.fromHeight)…\(request.toHeight)")
            try? network.send(PeerWire.encodeRequest(from: request.fromHeight, to: request.toHeight), to: Int(request.peer))
        }
    }

    /// A validator FORWARDed transactions no honest replica forwards (invalid signature, other
    /// chain, non-member sender): counted; past the threshold its link is suspended (attack F3:
    /// batches of bad signatures verified again on every resend).
    private func noteInvalidForwards(_ count: Int, from validator: UInt16) {
        counters.invalidForwards += count
        let now = UInt64(Date().timeIntervalSince1970 * 1_000)
        guard let duration = forwardPenalties.record(count, from: validator, nowMillis: now) else { return }
        let seconds = duration.components.seconds
        logger.error(
            "\(peerName(Int(validator))) (validator \(validator)) forwarded over \(ForwardPenalties.threshold) transactions with invalid signatures or outside the chain's rules in a minute, which no honest validator does: suspending its link for \(seconds) s")
        try? network.suspend(Int(validator), for: duration, reason: "forwarded transactions with invalid signatures or outside the chain's rules")
    }

    /// A validator signed two different votes for one kind, view and height: counted per
    /// validator and kind, stored (bounded per validator), and logged the first time.
    private func noteEvidence(_ item: Evidence) {
        counters.evidence[EvidenceCountKey(validator: peerName(Int(item.validator)), kind: item.kind.metricName), default: 0] += 1
        let stored = StoredEvidence(
            validator: item.validator, kind: item.kind.description, view: item.view, height: item.height,
            first: item.first, second: item.second, seenMillis: UInt64(Date().timeIntervalSince1970 * 1_000))
        do {
            guard try store.recordEvidence(stored) else { return }
        } catch {
            logger.warning("could not store evidence against \(peerName(Int(item.validator))): \(error)")
            return
        }
        logger.error(
            "evidence: \(peerName(Int(item.validator))) (validator \(item.validator)) signed two different \(item.kind)s for view \(item.view) height \(item.height): \(item.first.shortHex)… and \(item.second.shortHex)… (GET /v1/evidence)")
    }

    /// The journal and the voting high-water mark must be durable before any message of the step
    /// leaves; if they cannot be written the node stops rather than risk voting twice differently
    /// after a restart.
    private func persistJournal(_ output: ReplicaOutput) {
        do {
            if let replacement = output.journalReplacement {
                try store.replaceJournal(with: replacement)
            } else if !output.journalAppends.isEmpty {
                try store.appendJournal(output.journalAppends)
            }
        } catch {
            fail("cannot write the consensus journal: \(error)")
        }
        guard let mark = output.highWater else { return }
        do { try highWaterFile.write(mark) } catch {
            fail("cannot write the voting high-water mark \(highWaterFile.path): \(error)")
        }
    }

    private func send(_ outbound: OutboundMessage, broadcastOnlyTo onlyPeer: Int? = nil) {
        let digest = outbound.message.signingDigest(chainID: genesis.chainID, genesisHash: genesisHash)
        let signature: Signature
        do { signature = try nodeKey.sign(digest: digest) } catch {
            fail("cannot sign a \(outbound.message.kindName): \(error)")
            return
        }
        let envelope = SignedEnvelope(sender: selfIndex, message: outbound.message, signature: signature)
        switch outbound.destination {
        case .broadcast:
            if let onlyPeer {
                try? network.send(PeerWire.encode(envelope), to: onlyPeer)
                return
            }
            do { try network.broadcast(PeerWire.encode(envelope)) } catch {
                logger.warning("could not broadcast a \(outbound.message.kindName): \(error)")
            }
            pendingEvents.append(.message(envelope))
        case .replica(let index) where index == selfIndex:
            pendingEvents.append(.message(envelope))
        case .replica(let index):
            do { try network.send(PeerWire.encode(envelope), to: Int(index)) } catch {
                logger.warning("could not send a \(outbound.message.kindName) to \(peerName(Int(index))): \(error)")
            }
        }
    }

    /// Executes a committed block and stores it with its certificate, atomically.
    /// `moreCertified`: blocks above this one are certified in the same step, not yet stored.
    private func execute(_ committed: Consensus.CommittedBlock, moreCertified: Bool) {
        let block = committed.block
        guard block.height == state.height + 1 else {
            if block.height > state.height + 1 { fail("the replica committed block \(block.height) before \(state.height + 1)") }
            return
        }
        // Total for whatever the block's transactions carry: a transaction the rules refuse is a
        // failed receipt. Only a block that does not follow this node's own state stops it.
        let execution: BlockExecution
        do { execution = try state.applyCertified(block, verifier: verifier) } catch {
            fail("certified block \(block.height) does not follow this node's state (\(error)): the data directory is damaged, or more than f validators are faulty")
            return
        }
        let refused = execution.receipts.filter { [.notAMember, .invalidSignature, .wrongChain, .payloadFormat].contains($0.failure?.code) }
        if !refused.isEmpty {
            counters.certifiedInvalidTransactions += refused.count
            logger.critical("certified block \(block.height) holds \(refused.count) transactions that break the chain's rules (first: \(refused[0].failure!.message)); they failed and changed nothing, but more than f validators must be faulty to certify such a block")
        }
        crashPoints.reach(.executedNotStored)
        do { try store.commit(block: block, certificate: committed.certificate, execution: execution) } catch {
            fail("cannot store block \(block.height): \(error)")
            return
        }
        crashPoints.reach(.storedNotAnswered)
        // Mid catch-up: a state transfer still has heights to fetch, or a peer's answer of
        // certified blocks is being stored and more of them follow this one.
        if crashPoints.armed == .midStateTransfer, replica.catchUpTarget != nil || (steppingBlocksAnswer && moreCertified) {
            crashPoints.reach(.midStateTransfer)
        }
        let accounts = execution.changes.compactMap { change -> Address? in
            if case .account(let address) = change.key { return address }
            return nil
        }
        nonces.update(from: state, accounts: accounts)
        counters.blocksCommitted += 1
        lastCommitUptimeNanos = DispatchTime.now().uptimeNanoseconds
        counters.transactionsCommitted += block.transactions.count
        if let latency = commitLatency.committed(height: block.height, at: .now) { metricsRegistry.recordBlockCommit(latency) }
        let failed = execution.receipts.filter { !$0.succeeded }.count
        logger.info("committed block \(block.height) \(block.hash.shortHex) view \(committed.certificate.view): \(block.transactions.count) transactions (\(failed) failed), state \(execution.roots.stateRoot.shortHex)")
        pendingEvents.append(.executed(ExecutionResult(height: block.height, stateRoot: execution.roots.stateRoot, receiptsRoot: execution.roots.receiptsRoot)))
        for transaction in block.transactions { resumeWaiters(for: transaction.id) }
        let mempool = self.mempool
        Task { await mempool.committed(block: block) }
    }

    /// Serves committed blocks with their certificates to a peer catching up, bounded in count
    /// and bytes.
    private func serveBlocks(from: UInt64, to: UInt64, peer: Int) {
        guard from >= 1, from <= to, from <= state.height else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard blockServing.admit(peer, now: now) else {
            counters.blockRequestsRefused += 1
            if now - (blockRefusalLoggedAt[peer] ?? 0) >= 60_000_000_000 || blockRefusalLoggedAt[peer] == nil {
                blockRefusalLoggedAt[peer] = now
                logger.warning("refusing block requests from \(peerName(peer)): over its serving budget (\(Int(BlockServingBudget.requestsPerSecond)) requests, \(Int(BlockServingBudget.bytesPerSecond) >> 20) MiB a second; \(counters.blockRequestsRefused) refused so far)")
            }
            return
        }
        var blocks: [Consensus.CommittedBlock] = []
        var bytes = 0
        var height = from
        while height <= min(to, state.height), blocks.count < PeerWire.blocksPerResponseMax, bytes < 4 * 1_024 * 1_024 {
            guard let stored = try? store.block(at: height) else { break }
            bytes += stored.block.canonicalBytes.count
            blocks.append(Consensus.CommittedBlock(block: stored.block, certificate: stored.certificate))
            height += 1
        }
        counters.stateTransferBlocksServed += blocks.count
        logger.debug("serving blocks \(from)…\(height - 1) to \(peerName(peer))")
        let response = PeerWire.encodeResponse(blocks)
        blockServing.spent(response.count, on: peer, now: now)
        try? network.send(response, to: peer)
    }

    /// An unrecoverable local failure (disk, corrupted store): stop voting and exit, so a
    /// supervisor restarts the node from its durable state.
    func fail(_ reason: String) {
        logger.critical("stopping: \(reason)")
        stopped = true
        for task in tasks { task.cancel() }
        exit(70)
    }
}
