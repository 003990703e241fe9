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
            startViewChange(to: view + 1)
        }
        stateTransferTick()
    }

    /// A backup's timer runs while work it knows of (a forwarded transaction, an accepted
    /// proposal) is uncommitted; it restarts on every commit. During a view change it always runs.
    mutating func updateTimer() {
        let outstanding = isViewChanging || !mempool.isEmpty || slots.keys.contains { $0 > committedHeight }
        guard outstanding, isViewChanging || !isPrimary else {
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
