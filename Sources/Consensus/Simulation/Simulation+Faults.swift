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
        guard !healed else { return false }
        if now < isolatedUntil, isolated.contains(sender) != isolated.contains(receiver) { return true }
        guard let partition else { return false }
        switch partition {
        case .groups(let group): return group[sender] != group[receiver]
        case .oneWay(let from, let to): return from.contains(sender) && to.contains(receiver)
        }
    }

    func changePartition() {
        guard !healed else { return }
        if calm {
            // No partition on top of an aimed schedule; the next change comes after it.
            partition = nil
            queue.push(.partition, at: isolatedUntil + 1)
            return
        }
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

    /// Crashes an honest node (preferring one mid view change, or the primary) at a crash
    /// point drawn by the seed: at once, or armed to land in the node's next step that
    /// journaled or committed — where a crash can hurt (`CrashPoint`).
    func crashSomeone() {
        guard !healed else { return }
        queue.push(.crash, at: now + 800 + random.below(3_000))
        let candidates = honestNodes.filter { nodes[$0].up && nodes[$0].armedCrash == nil }
        guard downOrArmed < faultsTolerated, !candidates.isEmpty else { return }
        let changing = candidates.filter { nodes[$0].replica.isViewChanging }
        let primaries = candidates.filter { nodes[$0].replica.isPrimary }
        let pool: [Int]
        switch random.below(4) {
        case 0 where !changing.isEmpty: pool = changing
        case 1 where !primaries.isEmpty: pool = primaries
        default: pool = candidates
        }
        let node = pool[Int(random.below(UInt64(pool.count)))]
        let point = CrashPoint.allCases[Int(random.below(UInt64(CrashPoint.allCases.count)))]
        if point == .now {
            crash(node, at: .now)
        } else {
            nodes[node].armedCrash = point
            trace.line("t=\(now) n\(node) armed to crash \(point.rawValue)", keep: options.trace)
        }
    }

    /// Honest nodes down, or about to be: at most f at a time.
    var downOrArmed: Int { honestNodes.filter { !nodes[$0].up || nodes[$0].armedCrash != nil }.count }

    /// Whether the step just carried out is one `point` lands in.
    func landsHere(_ point: CrashPoint, node: Int) -> Bool {
        guard !healed else {
            nodes[node].armedCrash = nil
            return false
        }
        switch point {
        case .now: return true
        case .journalLost, .someSendsLeft: return nodes[node].journaledThisStep
        case .beforeStore: return nodes[node].store.count > nodes[node].storeCountBeforeStep
        }
    }

    /// Crashes `node` at `point` of the step it just carried out (the host's order is: journal
    /// durable, then messages sent, then committed blocks stored and executed).
    func crash(_ node: Int, at point: CrashPoint, tearing: Int? = nil, restartWithinMillis: UInt64 = 3_000) {
        nodes[node].armedCrash = nil
        var detail = ""
        switch point {
        case .now:
            break
        case .journalLost:
            // The journal write of the step never became durable. The host sends a step's
            // messages only once its journal records are durable, so none of them left.
            let messagesLeft = false
            nodes[node].journal = nodes[node].journalBeforeStep
            nodes[node].highWater = nodes[node].highWaterBeforeStep
            if !messagesLeft {
                for id in nodes[node].lastStepMessageIDs { cancelled.insert(id) }
                for key in nodes[node].lastStepVotes { honestVotes[key] = nil }
                for key in nodes[node].lastStepViewMessages {
                    honestViewMessages[key] = nil
                    viewChangeMaxByValidator[key.validator] = nil
                }
            }
            detail = " (journal of the last step lost, \(nodes[node].lastStepMessageIDs.count) messages unsent)"
        case .someSendsLeft:
            // The journal is durable; the crash came while the messages were going out.
            let pending = nodes[node].lastStepMessageIDs.filter { inFlight.contains($0) }
            let unsent = pending.filter { _ in random.below(2) == 0 }
            for id in unsent { cancelled.insert(id) }
            detail = " (\(unsent.count) of \(nodes[node].lastStepMessageIDs.count) messages unsent)"
        case .beforeStore:
            // Journal and messages out; the committed blocks were not stored (or executed).
            let kept = nodes[node].storeCountBeforeStep
            let lost = nodes[node].store.count - kept
            nodes[node].store.removeLast(lost)
            nodes[node].executions.removeLast(min(lost, nodes[node].executions.count))
            detail = " (\(lost) committed blocks not stored)"
        }
        // One crash in 8 also tears a journal record (a torn write, a damaged disk): half the
        // time one a view change rests on (the view entered, the VIEW-CHANGE sent, a prepared or
        // checkpoint certificate it carries, an installed NEW-VIEW's bindings) — and then, half
        // the time, the latest such record, which is the one a torn write hits — so a restart
        // that trusts the rest votes in a view it left or signs another VIEW-CHANGE; else any.
        if let tearing {
            detail += tear(node, record: tearing)
        } else if random.below(8) == 0, !nodes[node].journal.isEmpty {
            let count = UInt64(nodes[node].journal.count)
            let feedsViewChange = nodes[node].journal.indices.filter { index in
                switch try? JournalRecord(canonicalBytes: nodes[node].journal[index]) {
                case .view?, .prepared?, .stable?, .sent(.viewChange)?, .installed?: true
                default: false
                }
            }
            let index: Int
            if random.below(2) == 0, let latest = feedsViewChange.last {
                index = random.below(2) == 0 ? latest : feedsViewChange[Int(random.below(UInt64(feedsViewChange.count)))]
            } else {
                index = Int(random.below(count))
            }
            detail += tear(node, record: index)
        }
        result.crashPoints[point.rawValue, default: 0] += 1
        goDown(node)
        trace.line("t=\(now) crash n\(node) \(point.rawValue)\(detail)", keep: options.trace)
        queue.push(.restart(node: node), at: now + 300 + random.below(restartWithinMillis - 300))
    }

    /// Tears journal record `index` of `node` (its restart finds it unreadable); the trace names it.
    func tear(_ node: Int, record index: Int) -> String {
        let kind = (try? JournalRecord(canonicalBytes: nodes[node].journal[index])).map(\.kindName) ?? "unreadable"
        nodes[node].journal[index] = Array(nodes[node].journal[index].prefix(nodes[node].journal[index].count / 2))
        result.tornJournalRecords += 1
        return " (journal record \(index) of \(nodes[node].journal.count), \(kind), torn)"
    }

    /// The node stops: its replica's memory, and its host's queue, are gone.
    func goDown(_ node: Int) {
        nodes[node].crashedInViewChange = nodes[node].replica.isViewChanging
        accumulate(node)
        nodes[node].up = false
        hostQueues[node] = []
        let held = acceptedBy.filter { $0.value == node }.map(\.key)
        for id in held { acceptedBy[id] = nil }
        result.lostInCrashes += held.count
    }

    /// Starts or ends a correlated loss: every message of one kind between nodes is lost for
    /// a while (all CHECKPOINTs of a window, all COMMITs of a view, ...).
    func changeLossByKind(_ kind: String?) {
        if kind == "LONG-LOSS-END" {
            trace.line("t=\(now) \(lostKind ?? "messages") flow again", keep: options.trace)
            lostKind = nil
            return
        }
        guard !healed else {
            lostKind = nil
            return
        }
        if lostKind != nil, !result.longFaultPhase || now >= 45_000 {
            lostKind = nil
            trace.line("t=\(now) loss by kind ends", keep: options.trace)
            queue.push(.lossByKind(nil), at: now + 1_000 + random.below(4_000))
            return
        }
        guard lostKind == nil, !calm else {
            queue.push(.lossByKind(nil), at: now + 1_000 + random.below(4_000))
            return
        }
        let kinds = ["CHECKPOINT", "COMMIT", "PREPARE", "PRE-PREPARE", "VIEW-CHANGE", "NEW-VIEW", "BLOCK-RESPONSE"]
        // While the seed has aimed rolling restarts left, one loss in three is of every COMMIT
        // but to one honest replica: it alone commits what the others only prepare, which the
        // next view re-proposes (the state an aimed rolling restart needs).
        let commitsToOne = hazardRestartsLeft > 0 && random.below(3) == 0
        lostKind = commitsToOne ? "COMMIT" : kinds[Int(random.below(UInt64(kinds.count)))]
        // Half the time one honest node still hears that kind (it alone commits, say, while
        // the others only prepare): the states a view change must carry over exactly.
        lostKindSpared = nil
        let honest = honestNodes
        if commitsToOne || random.below(2) == 0, !honest.isEmpty { lostKindSpared = honest[Int(random.below(UInt64(honest.count)))] }
        trace.line("t=\(now) every \(lostKind!) lost\(lostKindSpared.map { " except to n\($0)" } ?? "")", keep: options.trace)
        queue.push(.lossByKind(nil), at: now + 1_000 + random.below(5_000))
    }

    func restart(_ node: Int) {
        guard !nodes[node].up else { return }
        let validator = nodes[node].validator
        let window = Int(parameters.watermarkWindow) + Int(parameters.stateRootLag) + 1
        nodes[node].replica = Replica(config: config(for: validator))
        nodes[node].up = true
        rebuildLedger(node)
        result.restarts += 1
        if nodes[node].crashedInViewChange { result.restartsDuringViewChange += 1 }
        trace.line("t=\(now) restart n\(node) at height \(nodes[node].store.count)", keep: options.trace)
        // The transactions of the latest blocks, as the node passes those of its last 2 windows.
        let recentIDs = nodes[node].store.suffix(2 * Int(parameters.watermarkWindow)).flatMap { $0.block.transactions.map(\.id) }
        let recovery = Recovery(
            journal: nodes[node].journal, committedHeaders: nodes[node].store.suffix(window).map(\.block.header),
            executions: Array(nodes[node].executions.suffix(window)), highWater: nodes[node].highWater,
            committedTransactionIDs: recentIDs)
        let heightBefore = UInt64(nodes[node].store.count)
        step(node, .restart(recovery))
        if nodes[node].replica.committedHeight < heightBefore {
            violation("regression: n\(node) restarted at \(nodes[node].replica.committedHeight) below its stored \(heightBefore)")
        }
    }

    func heal() {
        healed = true
        partition = nil
        lostKind = nil
        for node in nodes.indices { nodes[node].armedCrash = nil }
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
