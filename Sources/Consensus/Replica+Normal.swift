import LedgerCore
import LedgerCrypto

/// The normal case: PRE-PREPARE → PREPARE → COMMIT, commit on a quorum of COMMITs of one view,
/// delivery in height order.
extension Replica {
    public static let committedTransactionIDsMax = 20_000

    // MARK: Transactions

    /// Valid transactions enter the mempool. Those this replica's own clients gave it (`origin`
    /// = self) are forwarded to every replica unless it is the primary of an active view — as
    /// with PBFT clients that multicast, every backup then knows of the work and times out
    /// together if the primary does not propose it. A peer's FORWARD is not forwarded again.
    /// Nothing is dropped silently: own transactions that do not fit go back to the host
    /// (`refusedTransactions`), a peer's that do not fit are counted (`mempoolFull`).
    mutating func offer(_ transactions: [Transaction], from origin: UInt16) {
        var accepted: [Transaction] = []
        for (index, transaction) in transactions.enumerated() {
            guard index < ConsensusLimits.forwardTransactionsMax else {
                if origin == selfIndex { output.refusedTransactions.append(transaction.id) } else { drop(.mempoolFull) }
                continue
            }
            guard transaction.chainID == config.chainID else { refuseForwarded(from: origin, .wrongChain); continue }
            guard config.rules.violation(transaction) == nil else { refuseForwarded(from: origin, .invalidTransaction); continue }
            guard !mempool.contains(transaction.id), !committedTransactionIDs.contains(transaction.id) else { continue }
            guard (try? transaction.verifySignature(using: config.verifier)) != nil else { refuseForwarded(from: origin, .badSignature); continue }
            switch mempool.insert(transaction, from: origin, atTick: tickCount) {
            case .inserted: accepted.append(transaction)
            case .duplicate: break
            case .full:
                drop(.mempoolFull)
                if origin == selfIndex { output.refusedTransactions.append(transaction.id) }
            }
        }
        // A primary that is changing views cannot propose, nor may one below a rollback floor in
        // the floor's view: it forwards too, so the others know of the work and can move on.
        let belowFloor = votingFloor.map { view <= $0.view } ?? false
        if origin == selfIndex, !isPrimary || isViewChanging || belowFloor, !accepted.isEmpty {
            send(.forward(accepted), to: .broadcast)
        }
    }

    private mutating func refuseForwarded(from origin: UInt16, _ reason: DropReason) {
        drop(reason)
        if origin != selfIndex { output.invalidForwards[origin, default: 0] += 1 }
    }

    // MARK: Votes

    mutating func onPrePrepare(_ prePrepare: PrePrepare, from sender: UInt16) {
        guard sender == config.primary(of: prePrepare.view) else { return drop(.notFromPrimary) }
        guard prePrepare.block.header.chainID == config.chainID else { return drop(.wrongChain) }
        let height = prePrepare.height
        guard inWindow(height) else { return drop(.outsideWatermarks) }
        let digest = prePrepare.block.hash
        if let slot = slots[height] {
            if slot.blockHash == digest {
                if blocks[digest] == nil { storeBody(prePrepare.block) }
                return drop(.duplicate)
            }
            return record(evidence: Evidence(
                validator: sender, kind: .prePrepare, view: prePrepare.view, height: height, first: slot.blockHash, second: digest))
        }
        storeBody(prePrepare.block)
        slots[height] = Slot(blockHash: digest)
    }

    /// Votes count for heights in the window, and for heights an installed NEW-VIEW bound above
    /// it (the window reaches them once the replica catches up; votes dropped meanwhile would
    /// not come again).
    func acceptsVotes(at height: UInt64) -> Bool { inWindow(height) || (height > lowWatermark && slots[height] != nil) }

    mutating func onPrepare(_ vote: Vote, from sender: UInt16, signature: Signature) {
        guard acceptsVotes(at: vote.height) else { return drop(.outsideWatermarks) }
        let outcome = prepares.add(sender: sender, view: vote.view, height: vote.height, digest: vote.blockHash, signature: signature)
        noteVote(outcome, kind: .prepare, vote: vote, sender: sender)
    }

    mutating func onCommit(_ vote: Vote, from sender: UInt16, signature: Signature) {
        guard acceptsVotes(at: vote.height) else { return drop(.outsideWatermarks) }
        let outcome = commits.add(sender: sender, view: vote.view, height: vote.height, digest: vote.blockHash, signature: signature)
        noteVote(outcome, kind: .commit, vote: vote, sender: sender)
        guard case .added(let count) = outcome, count >= config.quorum, vote.height > committedHeight else { return }
        let certificate = CommitCertificate(
            view: vote.view, height: vote.height, blockHash: vote.blockHash,
            signatures: commits.signatureList(view: vote.view, height: vote.height, digest: vote.blockHash))
        if let existing = commitCertificates[vote.height] {
            if existing.blockHash != vote.blockHash { counters.safetyAlarms += 1 }
            return
        }
        commitCertificates[vote.height] = certificate
    }

    mutating func noteVote(_ outcome: VoteTable.Outcome, kind: VoteKind, vote: Vote, sender: UInt16) {
        switch outcome {
        case .added: break
        case .duplicate: drop(.duplicate)
        case .overLimit: drop(.bufferFull)
        case .conflict(let first):
            record(evidence: Evidence(validator: sender, kind: kind, view: vote.view, height: vote.height, first: first, second: vote.blockHash))
        }
    }

    // MARK: Progress

    /// Runs after every event: propose, vote, deliver, and keep the view timer honest.
    mutating func advance() {
        propose()
        prepareAndCommit()
        deliverCommitted()
        propose()
        prepareAndCommit()
        updateTimer()
    }

    /// Sends PREPARE for accepted proposals that pass every check, and COMMIT once prepared.
    mutating func prepareAndCommit() {
        guard !isViewChanging else { return }
        for height in slots.keys.sorted() where inWindow(height) {
            guard var slot = slots[height] else { continue }
            if !slot.prepareSent {
                guard canPrepare(height: height, digest: slot.blockHash) else { continue }
                // A height this replica committed needs no body: the host's store holds the block,
                // and after a restart the replica keeps only its header. Waiting for a body here
                // stalled a NEW-VIEW re-proposal whose quorum needed this vote (simulator seed 8846).
                if height > committedHeight {
                    guard let block = blocks[slot.blockHash] else { continue }
                    let proposedHere = sentMessages[SentKey(kind: .prePrepare, view: view, height: height)] != nil
                    if !proposedHere, !preparedVoteDigests.contains(slot.blockHash) {
                        output.journalAppends.append(JournalRecord.body(block).encoded)
                    }
                }
                send(.prepare(Vote(view: view, height: height, blockHash: slot.blockHash)))
                slot.prepareSent = true
            }
            if !slot.commitSent, prepares.count(view: view, height: height, digest: slot.blockHash) >= config.quorum,
               !wouldContradict(.commit, view: view, height: height, digest: slot.blockHash) {
                let certificate = PreparedCertificate(
                    view: view, height: height, blockHash: slot.blockHash,
                    signatures: prepares.signatureList(view: view, height: height, digest: slot.blockHash))
                preparedCertificates[height] = certificate
                // The body went into the journal with this replica's PREPARE (see `JournalRecord.body`), or
                // the height is committed and the host's store holds it.
                output.journalAppends.append(JournalRecord.prepared(certificate, nil).encoded)
                send(.commit(Vote(view: view, height: height, blockHash: slot.blockHash)))
                slot.commitSent = true
            }
            slots[height] = slot
        }
    }

    /// The PREPARE rule: the parent is prepared in this view (or committed), the roots
    /// match this replica's execution of h − L, the timestamp is sane, the block is valid,
    /// and no earlier vote of this replica says otherwise.
    func canPrepare(height: UInt64, digest: Digest) -> Bool {
        guard !wouldContradict(.prepare, view: view, height: height, digest: digest) else { return false }
        if height <= committedHeight { return committedHashes[height] == digest }
        guard let block = blocks[digest], blockValidity[digest] == true else { return false }
        let header = block.header
        let parentHeight = height - 1
        if parentHeight <= committedHeight {
            guard committedHashes[parentHeight] == header.parentHash else { return false }
        } else {
            guard let parent = preparedCertificates[parentHeight], parent.view == view, parent.blockHash == header.parentHash,
                  slots[parentHeight]?.blockHash == header.parentHash else { return false }
        }
        guard let parentTimestamp = committedTimestamps[parentHeight] ?? blocks[header.parentHash]?.header.timestampMillis,
              header.timestampMillis > parentTimestamp,
              header.timestampMillis <= nowMillis + parameters.clockSkewMaxMillis else { return false }
        guard let roots = expectedRoots(height: height) else { return false }
        return header.stateRoot == roots.stateRoot && header.receiptsRoot == roots.receiptsRoot
    }

    /// The roots a header at `height` must carry, or nil until h − L is executed.
    func expectedRoots(height: UInt64) -> (stateRoot: Digest, receiptsRoot: Digest)? {
        let lag = UInt64(parameters.stateRootLag)
        if height <= lag { return (config.genesisStateRoot, config.genesisReceiptsRoot) }
        guard let result = executions[height - lag] else { return nil }
        return (result.stateRoot, result.receiptsRoot)
    }

    /// Structure, chain, size, and every transaction passes the application's rules with a valid
    /// signature: exactly what execution accepts (`LedgerState.validate`).
    func isValid(_ block: Block) -> Bool {
        guard block.header.chainID == config.chainID, block.transactions.count <= Int(parameters.batchSizeMax) else { return false }
        guard (try? block.validateStructure()) != nil else { return false }
        return block.transactions.allSatisfy { transaction in
            config.rules.violation(transaction) == nil && (try? transaction.verifySignature(using: config.verifier)) != nil
        }
    }

    /// Commits certified blocks in height order.
    mutating func deliverCommitted() {
        while let certificate = commitCertificates[committedHeight + 1] {
            guard let block = blocks[certificate.blockHash] else {
                requestBody(certificate.blockHash, from: certificate.signatures.map(\.validatorIndex))
                return
            }
            // Only more than f faulty validators could certify a block that fails these.
            guard block.height == certificate.height, block.header.parentHash == lastCommittedHash,
                  (try? block.validateStructure()) != nil else {
                counters.safetyAlarms += 1
                return
            }
            commit(block, certificate: certificate)
        }
    }

    /// Remembers committed transaction ids (bounded, oldest forgotten first) so they are never
    /// taken into the mempool again.
    mutating func rememberCommitted(_ ids: [Digest]) {
        for id in ids where committedTransactionIDs.insert(id).inserted {
            committedTransactionOrder.append(id)
        }
        if committedTransactionOrder.count > Replica.committedTransactionIDsMax {
            let excess = committedTransactionOrder.count - Replica.committedTransactionIDsMax
            committedTransactionIDs.subtract(committedTransactionOrder.prefix(excess))
            committedTransactionOrder.removeFirst(excess)
        }
    }

    mutating func commit(_ block: Block, certificate: CommitCertificate) {
        precondition(block.height == committedHeight + 1, "blocks commit in height order")
        output.committed.append(CommittedBlock(block: block, certificate: certificate))
        committedHeight = block.height
        committedHashes[block.height] = block.hash
        committedTimestamps[block.height] = block.header.timestampMillis
        if !block.transactions.isEmpty { lastBusyHeight = block.height }
        commitCertificates[block.height] = nil
        bodyRequests[block.hash] = nil
        let ids = Set(block.transactions.map(\.id))
        mempool.remove(ids)
        rememberCommitted(block.transactions.map(\.id))
        counters.blocksCommitted += 1
        lastProgressTick = tickCount
        if !isViewChanging {
            viewChangeAttempts = 0
            timerDeadlineTick = nil
            relayedToPrimary = false
        }
        if let transfer, committedHeight >= transfer.targetHeight { self.transfer = nil }
    }

    /// The primary batches mempool transactions into new blocks, pipelined up to a depth.
    mutating func propose() {
        guard isPrimary, !isViewChanging else { return }
        // Below a rollback floor this primary may already have proposed the next height: it
        // cannot propose, so it gives up its view (alone it would wait for good, with n = 1).
        if let votingFloor, view <= votingFloor.view, max(committedHeight, slots.keys.max() ?? 0) + 1 <= votingFloor.height,
           !mempool.isEmpty || sealsReceipts(height: committedHeight + 1) {
            return startViewChange(to: view + 1)
        }
        for _ in 0..<Replica.pipelineDepthMax {
            let height = max(committedHeight, slots.keys.max() ?? 0) + 1
            guard height <= highWatermark, height > lowWatermark, height - committedHeight <= Replica.pipelineDepthMax else { return }
            // A PRE-PREPARE this replica sent for this view and height before a restart (the
            // journal keeps it) is adopted and sent again: proposing any other block there would
            // contradict it, and without it nobody else may know there is work.
            if case .prePrepare(let sent)? = sentMessages[SentKey(kind: .prePrepare, view: view, height: height)] {
                blocks[sent.block.hash] = sent.block
                blockValidity[sent.block.hash] = true
                slots[height] = Slot(blockHash: sent.block.hash)
                output.messages.append(OutboundMessage(destination: .broadcast, message: .prePrepare(sent)))
                continue
            }
            guard let roots = expectedRoots(height: height) else { return }
            let parentHash: Digest
            let parentTimestamp: UInt64
            if height - 1 <= committedHeight {
                guard let hash = committedHashes[height - 1], let timestamp = committedTimestamps[height - 1] else { return }
                parentHash = hash
                parentTimestamp = timestamp
            } else {
                guard let slot = slots[height - 1], let parent = blocks[slot.blockHash] else { return }
                parentHash = slot.blockHash
                parentTimestamp = parent.header.timestampMillis
            }
            var excluded = Set<Digest>()
            for (slotHeight, slot) in slots where slotHeight > committedHeight {
                for transaction in blocks[slot.blockHash]?.transactions ?? [] { excluded.insert(transaction.id) }
            }
            let batch = mempool.batch(limit: Int(parameters.batchSizeMax), excluding: excluded)
            guard !batch.isEmpty || sealsReceipts(height: height) else { return }
            let block = Block(
                chainID: config.chainID, height: height, parentHash: parentHash,
                timestampMillis: max(nowMillis, parentTimestamp + 1), transactions: batch,
                stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
            guard !wouldContradict(.prePrepare, view: view, height: height, digest: block.hash) else { return }
            blocks[block.hash] = block
            blockValidity[block.hash] = true
            slots[height] = Slot(blockHash: block.hash)
            send(.prePrepare(PrePrepare(view: view, block: block)))
        }
    }

    /// An empty block is proposed only to certify a recent block's outcome: the header at h
    /// carries the state and receipts roots after h − L, so without it the receipts of the last
    /// block with transactions would stay uncertified until the next transaction arrives. True
    /// when a block at h − L … h − 1 has transactions; at most L empty blocks follow a busy one.
    func sealsReceipts(height: UInt64) -> Bool {
        let lag = UInt64(parameters.stateRootLag)
        guard config.sealsReceipts, height > 1 else { return false }
        let lowest = height > lag ? height - lag : 1
        if lastBusyHeight >= lowest { return true }
        return (max(lowest, committedHeight + 1)..<height).contains { slotHeight in
            guard let slot = slots[slotHeight], let block = blocks[slot.blockHash] else { return false }
            return !block.transactions.isEmpty
        }
    }

    // MARK: Block bodies

    /// Asks one of `peers` (rotating) for a body this replica needs; rate-limited.
    mutating func requestBody(_ digest: Digest, from peers: [UInt16]) {
        let candidates = peers.filter { $0 != selfIndex }
        guard !candidates.isEmpty else { return }
        if let last = bodyRequests[digest], tickCount < last + UInt64(parameters.viewTimeoutTicks) / 2 + 1 { return }
        if bodyRequests[digest] == nil, bodyRequests.count >= Replica.bodyRequestsMax {
            // Full: the request asked longest ago goes (its body may never come: a faulty
            // validator's proposal, a view that moved on). Without eviction a full table stopped
            // every later request, and with it every re-proposal whose body was missing.
            let oldest = bodyRequests.min { ($0.value, $0.key) < ($1.value, $1.key) }!
            bodyRequests[oldest.key] = nil
        }
        bodyRequests[digest] = tickCount
        bodyRequestCount += 1
        let peer = candidates[Int(bodyRequestCount % UInt64(candidates.count))]
        send(.blockRequest(digest), to: .replica(peer))
    }

    /// Asks again for the bodies of accepted proposals this replica still lacks (a re-proposal
    /// whose body it never had, a request or answer lost on the way); `requestBody` paces it.
    mutating func requestMissingBodies() {
        for height in slots.keys.sorted() where height > committedHeight {
            guard let digest = slots[height]?.blockHash, blocks[digest] == nil else { continue }
            requestBody(digest, from: config.validators.keys.indices.map { UInt16($0) })
        }
    }

    /// Answers with the body if held, within the sender's budget per view timeout: each answer is
    /// a signed block of up to `batchSizeMax` transactions, and a faulty validator must not make
    /// this replica sign and send them without end.
    mutating func onBlockRequest(_ digest: Digest, from sender: UInt16) {
        guard sender != selfIndex, let block = blocks[digest] else { return }
        guard bodyAnswers.spend(for: sender, atTick: tickCount, periodTicks: UInt64(parameters.viewTimeoutTicks)) else {
            return drop(.bufferFull)
        }
        send(.blockResponse(block), to: .replica(sender))
    }

    mutating func onBlockResponse(_ block: Block) {
        guard bodyRequests[block.hash] != nil, block.header.chainID == config.chainID, block.height > lowWatermark else {
            return drop(.unsolicited)
        }
        storeBody(block)
        bodyRequests[block.hash] = nil
    }

    /// Keeps a body and checks it once (signatures are not re-verified on every pass).
    mutating func storeBody(_ block: Block) {
        blocks[block.hash] = block
        if blockValidity[block.hash] == nil {
            let valid = isValid(block)
            blockValidity[block.hash] = valid
            if !valid { drop(.invalidBlock) }
        }
    }
}
