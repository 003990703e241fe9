import LedgerCore
import LedgerCrypto

/// The logical clock: view timers with capped exponential back-off, and execution results.
extension Replica {
    /// viewTimeoutTicks doubled per consecutive failed view, capped at viewTimeoutMaxTicks.
    var timeoutTicks: UInt64 {
        let base = UInt64(parameters.viewTimeoutTicks)
        let doubled = base << UInt64(min(viewChangeAttempts, 16))
        return min(doubled, UInt64(parameters.viewTimeoutMaxTicks))
    }

    mutating func onTick(nowMillis now: UInt64) {
        nowMillis = max(nowMillis, now)
        tickCount += 1
        if let deadline = timerDeadlineTick, tickCount >= deadline {
            timerDeadlineTick = nil
            if !relayToPrimary() { startViewChange(to: view + 1) }
        }
        stateTransferTick()
        resendViewChange()
        resendPrePrepares()
        resendCheckpoint()
        requestMissingBodies()
        forwardStaleTransactions()
    }

    /// Every two view timeouts, a replica that is not the working primary sends every replica
    /// the transactions it has held for that long: a FORWARD lost on the way (a link down, a
    /// peer restarting) would otherwise leave them with this replica alone, and while other
    /// work commits its view timer keeps restarting, so it never relays or complains (the
    /// simulator's "stalled" check found it: seed 1044 of n = 6). Duplicates cost the receivers
    /// a lookup, not a signature check.
    mutating func forwardStaleTransactions() {
        let period = 2 * UInt64(parameters.viewTimeoutTicks)
        guard tickCount >= staleForwardTick, !mempool.isEmpty else { return }
        staleForwardTick = tickCount + period
        let proposes = isPrimary && !isViewChanging && !(votingFloor.map { view <= $0.view } ?? false)
        guard !proposes, tickCount >= period else { return }
        let stale = mempool.takeStale(atOrBefore: tickCount - period, limit: ConsensusLimits.forwardTransactionsMax, now: tickCount)
        guard !stale.isEmpty else { return }
        counters.staleForwards += 1
        send(.forward(stale), to: .broadcast)
    }

    /// A replica repeats its latest CHECKPOINT every view timeout while that checkpoint is not
    /// stable here: one lost round of CHECKPOINTs would otherwise pin the low watermark, and with
    /// it every proposal above the window, for good (the others answer a CHECKPOINT they already
    /// hold stable with their own, see `answerBehindCheckpoint`).
    mutating func resendCheckpoint() {
        guard tickCount >= checkpointResendTick else { return }
        checkpointResendTick = tickCount + UInt64(parameters.viewTimeoutTicks)
        let latest = sentMessages.keys.filter { $0.kind == .checkpoint && $0.height > lowWatermark }.max { $0.height < $1.height }
        guard let latest, let message = sentMessages[latest] else { return }
        output.messages.append(OutboundMessage(destination: .broadcast, message: message))
        counters.checkpointResends += 1
    }

    /// The primary repeats a PRE-PREPARE still uncommitted a whole timeout period after the last
    /// check: a proposal lost on the way (a link down, a peer restarting) would otherwise wait
    /// for new work and a view change. A pipeline that keeps committing is never resent.
    mutating func resendPrePrepares() {
        guard tickCount >= prePrepareResendTick else { return }
        prePrepareResendTick = tickCount + timeoutTicks
        guard isPrimary, !isViewChanging else {
            outstandingPrePrepares = []
            return
        }
        var outstanding = Set<Digest>()
        for height in slots.keys.sorted() where height > committedHeight {
            guard case .prePrepare(let sent)? = sentMessages[SentKey(kind: .prePrepare, view: view, height: height)] else { continue }
            outstanding.insert(sent.block.hash)
            if outstandingPrePrepares.contains(sent.block.hash) {
                output.messages.append(OutboundMessage(destination: .broadcast, message: .prePrepare(sent)))
                counters.prePrepareResends += 1
            }
        }
        outstandingPrePrepares = outstanding
    }

    /// The first time a backup's timer runs out in a view, it sends the transactions it holds
    /// to the primary and waits one more period before it complains (PBFT relays a client's
    /// request to the primary; SmartBFT forwards on the first timeout and complains on the
    /// second). Without it a faulty validator that FORWARDs only to the backups forces an honest
    /// primary out. False when there is nothing to relay: the backup complains at once.
    mutating func relayToPrimary() -> Bool {
        guard !isViewChanging, !isPrimary, !relayedToPrimary, !mempool.isEmpty else { return false }
        relayedToPrimary = true
        let batch = Array(mempool.ordered.prefix(ConsensusLimits.forwardTransactionsMax))
        send(.forward(batch), to: .replica(config.primary(of: view)))
        timerDeadlineTick = tickCount + timeoutTicks
        counters.relaysToPrimary += 1
        return true
    }

    /// A replica waiting for a quorum of VIEW-CHANGEs repeats its own (messages get lost), and forwards
    /// the transactions it holds to everyone: a replica alone in a higher view cannot propose,
    /// and what it accepted must still reach a primary that can.
    mutating func resendViewChange() {
        guard isViewChanging, timerDeadlineTick == nil, let ownViewChange, tickCount >= viewChangeResendTick else { return }
        viewChangeResendTick = tickCount + timeoutTicks
        // Below a rollback floor the VIEW-CHANGE may be rebuilt, not the one sent before: never sent.
        if votingFloor?.forbids(.viewChange(ownViewChange)) != true {
            output.messages.append(OutboundMessage(destination: .broadcast, message: .viewChange(ownViewChange)))
        }
        if !mempool.isEmpty {
            send(.forward(Array(mempool.ordered.prefix(ConsensusLimits.forwardTransactionsMax))), to: .broadcast)
        }
    }

    /// A backup's timer runs while work it knows of (a forwarded transaction, an accepted
    /// proposal) is uncommitted; it restarts on every commit. During a view change it always runs.
    mutating func updateTimer() {
        if isViewChanging { return }
        let outstanding = !mempool.isEmpty || slots.keys.contains { $0 > committedHeight }
        guard outstanding, !isPrimary else {
            timerDeadlineTick = nil
            return
        }
        if timerDeadlineTick == nil { timerDeadlineTick = tickCount + timeoutTicks }
    }

    mutating func onExecuted(_ result: ExecutionResult) {
        guard result.height == executedHeight + 1, result.height <= committedHeight else { return drop(.invalidContent) }
        executions[result.height] = result
        executedHeight = result.height
        let interval = UInt64(parameters.checkpointInterval)
        if result.height % interval == 0, let blockHash = committedHashes[result.height] {
            send(.checkpoint(Checkpoint(height: result.height, blockHash: blockHash, stateRoot: result.stateRoot)))
        }
        evaluateCheckpoints()
    }
}

extension Replica {
    /// One line of state for traces and logs.
    public var stateSummary: String {
        let slotText = slots.keys.sorted().map { height in
            let slot = slots[height]!
            let body = blocks[slot.blockHash] == nil ? "?" : ""
            return "\(height)\(body)\(slot.prepareSent ? "p" : "")\(slot.commitSent ? "c" : "")"
        }.joined(separator: ",")
        let prepared = preparedCertificates.keys.sorted().map { "\($0)@\(preparedCertificates[$0]!.view)" }.joined(separator: ",")
        return "view=\(view)\(isViewChanging ? "*" : "") committed=\(committedHeight) executed=\(executedHeight) low=\(lowWatermark) slots=[\(slotText)] prepared=[\(prepared)] mempool=\(mempool.count) certs=\(commitCertificates.keys.sorted()) transfer=\(transfer.map { "\($0.targetHeight)@\($0.peer)" } ?? "-") timer=\(timerDeadlineTick.map { "\($0 - min($0, tickCount))" } ?? "-")\(votingFloor.map { " floor=\($0.view)/\($0.height == UInt64.max ? "all" : String($0.height))" } ?? "")"
    }
}
