import LedgerCore
import LedgerCrypto

/// The faults a seed injects while the fault phase lasts: partitions (symmetric,
/// one-way, an isolated primary), crashes that may lose the last step's journal writes,
/// forged signatures and replayed stale messages. Twins split the network in two sides
/// that leak into each other, so honest replicas see both instances of a Byzantine validator.
extension Simulation {
    func blocked(from sender: Int, to receiver: Int) -> Bool {
        let a = nodes[sender]
        let b = nodes[receiver]
        if a.twinSide != nil || b.twinSide != nil, a.side != b.side, !random.chance(perMille: twinLeakPerMille) { return true }
        guard !healed, let partition else { return false }
        switch partition {
        case .groups(let group): return group[sender] != group[receiver]
        case .oneWay(let from, let to): return from.contains(sender) && to.contains(receiver)
        }
    }

    func changePartition() {
        guard !healed else { return }
        let count = nodes.count
        switch random.below(4) {
        case 0:
            partition = nil
            trace.line("t=\(now) partition healed", keep: options.trace)
        case 1:
            let group = (0..<count).map { _ in Int(random.below(2)) }
            partition = .groups(group)
            trace.line("t=\(now) partition symmetric \(group)", keep: options.trace)
        case 2:
            var from = Set<Int>()
            var to = Set<Int>()
            for node in 0..<count { if random.below(2) == 0 { from.insert(node) } else { to.insert(node) } }
            partition = .oneWay(from: from, to: to)
            trace.line("t=\(now) partition one-way \(from.sorted())→\(to.sorted())", keep: options.trace)
        default:
            let view = honestNodes.map { nodes[$0].replica.view }.max() ?? 0
            let primary = validators.primary(of: view)
            let group = (0..<count).map { nodes[$0].validator == UInt16(primary) ? 1 : 0 }
            partition = .groups(group)
            trace.line("t=\(now) partition isolates primary v\(primary)", keep: options.trace)
        }
        queue.push(.partition, at: now + 1_000 + random.below(3_000))
    }

    /// Crashes an honest node (preferring one mid view change). Half the time the crash
    /// lands inside the last step: its journal writes never became durable and, because
    /// the host sends only after the journal is durable, its messages never left.
    func crashSomeone() {
        guard !healed else { return }
        queue.push(.crash, at: now + 800 + random.below(3_000))
        let down = honestNodes.filter { !nodes[$0].up }.count
        guard down < faultsTolerated else { return }
        let candidates = honestNodes.filter { nodes[$0].up }
        guard !candidates.isEmpty else { return }
        let changing = candidates.filter { nodes[$0].replica.isViewChanging }
        let pool = !changing.isEmpty && random.below(2) == 0 ? changing : candidates
        let node = pool[Int(random.below(UInt64(pool.count)))]
        // Only a step none of whose messages has arrived anywhere can be undone.
        let unsent = nodes[node].lastStepMessageIDs.allSatisfy { inFlight.contains($0) }
        let interrupted = unsent && random.below(2) == 0
        if interrupted {
            nodes[node].journal = nodes[node].journalBeforeStep
            for id in nodes[node].lastStepMessageIDs { cancelled.insert(id) }
            for key in nodes[node].lastStepVotes { honestVotes[key] = nil }
        }
        nodes[node].crashedInViewChange = nodes[node].replica.isViewChanging
        accumulate(node)
        nodes[node].up = false
        trace.line("t=\(now) crash n\(node)\(interrupted ? " (last step lost)" : "")", keep: options.trace)
        queue.push(.restart(node: node), at: now + 300 + random.below(2_700))
    }

    func restart(_ node: Int) {
        guard !nodes[node].up else { return }
        let validator = nodes[node].validator
        let window = Int(parameters.watermarkWindow) + Int(parameters.stateRootLag) + 1
        nodes[node].replica = Replica(config: config(for: validator))
        nodes[node].up = true
        result.restarts += 1
        if nodes[node].crashedInViewChange { result.restartsDuringViewChange += 1 }
        trace.line("t=\(now) restart n\(node) at height \(nodes[node].store.count)", keep: options.trace)
        let recovery = Recovery(
            journal: nodes[node].journal, committedHeaders: nodes[node].store.suffix(window).map(\.block.header),
            executions: Array(nodes[node].executions.suffix(window)))
        let heightBefore = UInt64(nodes[node].store.count)
        step(node, .restart(recovery))
        if nodes[node].replica.committedHeight < heightBefore {
            violation("regression: n\(node) restarted at \(nodes[node].replica.committedHeight) below its stored \(heightBefore)")
        }
    }

    func heal() {
        healed = true
        partition = nil
        trace.line("t=\(now) faults stop", keep: options.trace)
        for node in nodes.indices where !nodes[node].up { restart(node) }
        for node in honestNodes { heightsAtHeal[node] = UInt64(nodes[node].store.count) }
    }

    /// A Byzantine network: a recent message with another sender's index (a forged
    /// signature), or an old one replayed as is.
    func injectForgery() {
        guard !healed, !recentEnvelopes.isEmpty, validators.count > 1 else { return }
        queue.push(.inject, at: now + 100 + random.below(400))
        let original = recentEnvelopes[Int(random.below(UInt64(recentEnvelopes.count)))]
        let target = Int(random.below(UInt64(nodes.count)))
        let envelope: SignedEnvelope
        if random.below(2) == 0 {
            let sender = UInt16((Int(original.sender) + 1 + Int(random.below(UInt64(validators.count - 1)))) % validators.count)
            envelope = SignedEnvelope(sender: sender, message: original.message, signature: original.signature)
        } else {
            envelope = original
        }
        nextMessageID += 1
        queue.push(.deliver(envelope, node: target, id: nextMessageID), at: now + 1)
    }
}
