import LedgerCore
import LedgerCrypto

/// A validator's data directory restored from an older copy — an operator restoring a backup,
/// a snapshot rolled back by the hypervisor. Its journal and block store go back in time
/// together; the host's voting high-water mark, kept apart from them, does not. The replica
/// must notice and refuse every vote it may already have cast (the double-vote check proves
/// it never contradicts one), then catch up and vote again above the mark.
extension Simulation {
    /// Copies one honest node's data directory, and schedules its restore a few seconds later.
    func takeBackup() {
        // A restored validator never votes twice (its floor), but it has lost the prepared
        // certificates it held: a VIEW-CHANGE it sends can no longer carry them. That is
        // amnesia, a fault: it counts against f with the Byzantine validators and a clock
        // beyond the bound. Seed 3036 of n = 4 rolled an honest validator back beside a faulty
        // one: a NEW-VIEW built from their VIEW-CHANGEs and a third dropped a block an honest
        // replica had committed (the faulty one withheld its vote, so the chain stalled where
        // it could have forked).
        let faults = result.byzantineCount + (skewedBeyondBound == nil ? 0 : 1)
        guard !healed, faults < faultsTolerated else { return }
        let candidates = honestNodes.filter { nodes[$0].up }
        guard !candidates.isEmpty else { return }
        // Half the time the primary: rolled back within its view, it would propose again at
        // heights it already proposed at.
        let primaries = candidates.filter { nodes[$0].replica.isPrimary && !nodes[$0].replica.isViewChanging }
        let pool = random.below(2) == 0 && !primaries.isEmpty ? primaries : candidates
        let node = pool[Int(random.below(UInt64(pool.count)))]
        nodes[node].backup = (nodes[node].journal, nodes[node].store, nodes[node].executions)
        trace.line("t=\(now) backup of n\(node) at height \(nodes[node].store.count)", keep: options.trace)
        queue.push(.rollback(node: node), at: now + 500 + random.below(3_000))
    }

    /// Stops the node and puts the copy back in place of its data directory; it restarts soon.
    func rollBack(_ node: Int) {
        guard !healed, let backup = nodes[node].backup else { return }
        guard nodes[node].up, downOrArmed < faultsTolerated else {
            // Down, or f honest nodes already down: try again shortly.
            queue.push(.rollback(node: node), at: now + 500)
            return
        }
        nodes[node].backup = nil
        goDown(node)
        let storedBefore = nodes[node].store.count
        nodes[node].journal = backup.journal
        nodes[node].store = backup.store
        nodes[node].executions = backup.executions
        result.rollbacks += 1
        trace.line(
            "t=\(now) rollback n\(node): data directory from height \(storedBefore) back to \(backup.store.count), high-water mark \(nodes[node].highWater.map(\.description) ?? "none")",
            keep: options.trace)
        queue.push(.restart(node: node), at: now + 300 + random.below(1_500))
    }
}
