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
        // Aimed where it hurts: a re-proposed height that some honest replica committed in an
        // earlier view and another has not (up to 3 times a seed). Otherwise, once a seed, at a
        // random view change.
        let committed = honestNodes.map { UInt64(nodes[$0].store.count) }
        let reproposed = nodes[node].replica.installedNewView?.reproposals.map(\.height) ?? []
        let hazard = reproposed.contains { height in committed.contains { $0 >= height } && committed.contains { $0 < height } }
        if hazard, hazardRestartsLeft > 0 {
            hazardRestartsLeft -= 1
        } else if rollingRestartsLeft > 0, random.below(4) == 0 {
            rollingRestartsLeft -= 1
        } else {
            return
        }
        rollingUnderWay = true
        var others = honestNodes.filter { $0 != node }
        for index in others.indices.reversed() where index > 0 { others.swapAt(index, Int(random.below(UInt64(index + 1)))) }
        // Aimed: the replicas that have not committed the re-proposed heights go first.
        if hazard { others.sort { nodes[$0].store.count < nodes[$1].store.count } }
        let backups = Array(others.prefix(max(0, validators.count - faultsTolerated - 1)))
        // The new primary first or last: either way a quorum of replicas restarts between the
        // view's installation and its first prepared re-proposal.
        let order = random.below(2) == 0 ? [node] + backups : backups + [node]
        trace.line("t=\(now) rolling restart of \(order.map { "n\($0)" }.joined(separator: " ")) after view \(nodes[node].replica.view) installed with re-proposals at \(nodes[node].replica.installedNewView?.reproposals.map(\.height) ?? []); committed \(honestNodes.map { nodes[$0].store.count })", keep: options.trace)
        var at = now
        // When aimed (else half the time) the PREPAREs of the new view are slow meanwhile (held
        // in a congested link): the replicas restart before any re-proposal is prepared in the
        // new view.
        if hazard || random.below(2) == 0 {
            delayedKind = "PREPARE"
            delayedKindMillis = 200 + random.below(600)
        }
        for (position, member) in order.enumerated() {
            let down = 5 + random.below(40)
            queue.push(.rollingStep(node: member, downMillis: down, last: position == order.count - 1), at: at)
            at += down + 1 + random.below(20)
        }
        result.rollingRestarts += 1
    }

    /// One replica of a rolling restart: down now, up after `downMillis`.
    func rollingStep(_ node: Int, downMillis: UInt64, last: Bool) {
        if last {
            rollingUnderWay = false
            delayedKind = nil
        }
        guard !healed, nodes[node].up, downOrArmed < faultsTolerated else { return }
        result.crashPoints["rolling", default: 0] += 1
        goDown(node)
        trace.line("t=\(now) rolling: n\(node) down for \(downMillis) ms", keep: options.trace)
        queue.push(.restart(node: node), at: now + downMillis)
    }
}
