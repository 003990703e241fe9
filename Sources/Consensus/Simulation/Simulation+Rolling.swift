/// Rolling restarts: honest replicas restarted one after another, each down briefly, the way a
/// rolling upgrade does it — aimed at the moment a new primary has installed its view, when
/// the NEW-VIEW's bindings exist and nothing above them is prepared yet (the schedule of the
/// NEW-VIEW fork: three restarts within a few hundred milliseconds of a view change).
extension Simulation {
    /// Called after every step: a new primary that has just installed its view starts a
    /// rolling restart, while the seed has some left.
    func rollingRestartIfDue(_ node: Int, wasChanging: Bool) {
        guard !healed, !rollingUnderWay, wasChanging, nodes[node].isHonest, faultsTolerated >= 1,
              !nodes[node].replica.isViewChanging, nodes[node].replica.isPrimary, downOrArmed == 0 else { return }
        // Aimed where it hurts (up to 3 times a seed): a re-proposed height h that an honest
        // replica committed in an earlier view, while a quorum of honest replicas has not even
        // committed h − 1. A replica PREPAREs a re-proposal only once its parent is executed,
        // so until h − 1 commits in the new view, the installed NEW-VIEW is all that binds h at
        // them — the binding a restart must not lose. Otherwise, once a seed, at a random view
        // change.
        let reproposed = nodes[node].replica.installedNewView?.reproposals.map(\.height) ?? []
        // A committed block with transactions: an empty one is what the restarted primary would
        // propose there too, the same block.
        let target = reproposed.first { height in
            height >= 2
                && honestNodes.contains { nodes[$0].store.count >= height && !nodes[$0].store[Int(height) - 1].block.transactions.isEmpty }
                && honestNodes.filter { UInt64(nodes[$0].store.count) < height - 1 }.count >= validators.quorum
        }
        let committers = target.map { height in Set(honestNodes.filter { UInt64(nodes[$0].store.count) >= height - 1 }) } ?? []
        let aimed: Bool
        if target != nil, !committers.contains(node), hazardRestartsLeft > 0 {
            hazardRestartsLeft -= 1
            aimed = true
            result.aimedRollingRestarts += 1
        } else if rollingRestartsLeft > 0, random.below(4) == 0 {
            rollingRestartsLeft -= 1
            aimed = false
        } else {
            return
        }
        rollingUnderWay = true
        var others = honestNodes.filter { $0 != node && !(aimed && committers.contains($0)) }
        for index in others.indices.reversed() where index > 0 { others.swapAt(index, Int(random.below(UInt64(index + 1)))) }
        let backups = Array(others.prefix(max(0, validators.count - faultsTolerated - 1)))
        // The new primary first or last: either way a quorum of replicas restarts between the
        // view's installation and its first prepared re-proposal. Aimed, first: clients bring
        // it work as it comes back, the block it proposes at the target height.
        let order = aimed || random.below(2) == 0 ? [node] + backups : backups + [node]
        trace.line("t=\(now) rolling restart of \(order.map { "n\($0)" }.joined(separator: " ")) after view \(nodes[node].replica.view) installed with re-proposals at \(nodes[node].replica.installedNewView?.reproposals.map(\.height) ?? []); committed \(honestNodes.map { nodes[$0].store.count })", keep: options.trace)
        rollingPlan = order
        rollingPlanCount = order.count
        rollingView = nodes[node].replica.view
        if aimed {
            // The PREPAREs of the new view (those on the way too) arrive only after the last
            // restart, so the replicas restart before any re-proposal is prepared in the new
            // view. The replicas that committed the target height are cut off meanwhile and for
            // a while after (their links congested), and the others' links are calm: the others,
            // restarted, decide the re-proposed heights without them, so a lost binding shows as
            // a second block at a committed height. A loss of one message kind (every COMMIT but
            // the committers', say) ends as the view changes, so the others can decide.
            holdingPrepares = true
            isolated = committers
            isolatedUntil = now + 2_000 + random.below(3_000)
            partition = nil
            if let lostKind {
                trace.line("t=\(now) every \(lostKind) flows again", keep: options.trace)
                self.lostKind = nil
            }
            trace.line("t=\(now) committers \(isolated.sorted().map { "n\($0)" }.joined(separator: " ")) cut off until t=\(isolatedUntil)", keep: options.trace)
        } else if random.below(2) == 0 {
            // Half the time PREPAREs are slow meanwhile.
            delayedKind = "PREPARE"
            delayedKindMillis = 200 + random.below(600)
        }
        queue.push(.rollingStep(aimed: aimed), at: now)
        result.rollingRestarts += 1
    }

    /// The next replica of a rolling restart: down now, up after a few milliseconds; the one
    /// after it follows once this one is back. Aimed, a backup that has not installed the view
    /// yet is waited for (a restart before it installs loses nothing).
    func rollingStep(aimed: Bool) {
        guard let node = rollingPlan.first else { return }
        guard !healed else { return endRollingRestart(releaseAt: now) }
        if aimed, nodes[node].up, nodes[node].replica.view < rollingView || nodes[node].replica.isViewChanging {
            guard calm else { return endRollingRestart(releaseAt: now) }
            queue.push(.rollingStep(aimed: aimed), at: now + 10)
            return
        }
        rollingPlan.removeFirst()
        let down = 5 + random.below(40)
        let first = rollingPlan.count == rollingPlanCount - 1
        if nodes[node].up, downOrArmed < faultsTolerated {
            result.crashPoints["rolling", default: 0] += 1
            goDown(node)
            trace.line("t=\(now) rolling: n\(node) down for \(down) ms", keep: options.trace)
            queue.push(.restart(node: node), at: now + down)
            // Aimed, clients bring the new primary (restarted first) work as it comes back: the
            // block it proposes at the target height.
            if aimed, first { queue.push(.work(node: node), at: now + down + 1) }
        }
        if rollingPlan.isEmpty {
            endRollingRestart(releaseAt: now + down + 5)
        } else {
            queue.push(.rollingStep(aimed: aimed), at: now + down + 1 + random.below(20))
        }
    }

    /// The end of a rolling restart: held PREPAREs arrive from `releaseAt` on.
    func endRollingRestart(releaseAt: UInt64) {
        rollingPlan = []
        rollingUnderWay = false
        delayedKind = nil
        holdingPrepares = false
        for event in heldPrepares { queue.push(event, at: releaseAt + random.below(20)) }
        heldPrepares = []
    }

    /// Whether an aimed schedule is playing out (see `isolated`).
    var calm: Bool { now < isolatedUntil }

    /// A few fresh transactions straight to `node`'s host.
    func offerWork(to node: Int) {
        guard !healed, nodes[node].up else { return }
        for _ in 0..<3 { hostQueues[node].append(freshTransaction()) }
        trace.line("t=\(now) clients send n\(node) 3 transactions", keep: options.trace)
        feed(node)
    }
}
