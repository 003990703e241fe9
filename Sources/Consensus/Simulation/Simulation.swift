import LedgerCore
import LedgerCrypto

/// A VOPR-style deterministic simulation: real `Replica`s, a simulated network, clock,
/// disk and clients, and one seed deciding every fault. Checkers run on every commit and
/// vote; `run()` returns the violations it found.
public final class Simulation {
    enum Event {
        case deliver(SignedEnvelope, node: Int, id: UInt64)
        case tick
        case offer
        case transferResponse(StateTransferResponse, node: Int)
        case crash
        case restart(node: Int)
        case partition
        case heal
        case inject
        case rollingStep(aimed: Bool)
        case work(node: Int)
        case lossByKind(String?)
        case backup
        case rollback(node: Int)
        case slowDisk
    }

    struct Node {
        let validator: UInt16
        /// nil for honest nodes; 0 or 1 for the two instances of a Byzantine validator.
        let twinSide: Int?
        var side: Int
        var replica: Replica
        var up = true
        var journal: [[UInt8]] = []
        var journalBeforeStep: [[UInt8]] = []
        /// The host's voting high-water mark, kept apart from the journal and the store (a
        /// rolled-back data directory does not roll it back), and its value before the step.
        var highWater: VotingHighWater?
        var highWaterBeforeStep: VotingHighWater?
        /// A copy of the data directory (journal, store, executions) taken earlier.
        var backup: (journal: [[UInt8]], store: [CommittedBlock], executions: [ExecutionResult])?
        /// A slow disk: until `slowDiskUntil` each journal write (and so each step's sends) takes
        /// `slowDiskMillis` longer, and the host's send queue per peer holds `sendQueueMax`
        /// messages (delivery times of those queued, per peer).
        var slowDiskUntil: UInt64 = 0
        var slowDiskMillis: UInt64 = 0
        var sendQueues: [Int: [UInt64]] = [:]
        var lastStepMessageIDs: [UInt64] = []
        var lastStepVotes: [VoteRecordKey] = []
        var lastStepViewMessages: [ViewMessageKey] = []
        var journaledThisStep = false
        var storeCountBeforeStep = 0
        /// A crash point waiting for the step it lands in.
        var armedCrash: CrashPoint?
        var store: [CommittedBlock] = []
        var executions: [ExecutionResult] = []
        /// The real state machine, when the run executes for real (rebuilt from `store` on restart).
        var ledger: LedgerState?
        var clockSkewMillis: UInt64 = 0
        /// How fast this node's clock runs ahead, in ms per simulated second.
        var clockDriftPerSecond: UInt64 = 0
        var counted = ReplicaCounters()
        var crashedInViewChange = false
        /// What this node does beyond running honest code (Byzantine nodes only).
        var strategies: Set<ByzantineStrategy> = []
        var isHonest: Bool { twinSide == nil }
    }

    enum Partition {
        case groups([Int])
        case oneWay(from: Set<Int>, to: Set<Int>)
    }

    static let eventsMax = 3_000_000
    static let violationsMax = 20
    static let recentEnvelopesMax = 64
    /// Small, so that replicas refuse their hosts' transactions and give them back.
    static let mempoolOwnCapacity = 24
    /// How long the run goes on once every honest replica reached its targets: the view
    /// number must stop growing and nothing accepted may be lost.
    static let observationMillis: UInt64 = 3_000
    /// How long after the targets are reached everything accepted must be committed at every
    /// up-to-date replica (`checkNothingLost`).
    static let drainBoundMillis: UInt64 = 10_000

    let options: SimulationOptions
    var random: SplitMix64
    let chainID: Identifier = "sim-chain"
    let genesisHash: Digest
    let genesis: Genesis
    /// Blocks run through `LedgerState` (true) or the hash-chain stand-in.
    let realExecution: Bool
    let genesisStateRoot: Digest
    let genesisReceiptsRoot: Digest
    let genesisTimeMillis: UInt64 = 1_700_000_000_000
    let parameters: ConsensusParameters
    let validators: ValidatorSet
    let signers: [any DigestSigner]
    let clients: [any DigestSigner]
    /// A key with valid signatures that is not a member: what a faulty validator forwards.
    let outsider: any DigestSigner
    /// The application's rules: chain id and membership (the clients).
    let rules: TransactionRules
    let verifier: any SignatureVerifier
    let realKeys: Bool
    var nodes: [Node] = []
    var queue = EventQueue<Event>()
    var now: UInt64 = 0
    var result = SimulationResult()
    var offered: Set<Digest> = []
    var nonces: [UInt64]
    var dropPerMille = 0
    var duplicatePerMille = 0
    var delayPerMille = 0
    var twinLeakPerMille = 300
    var partition: Partition?
    var cancelled: Set<UInt64> = []
    /// Messages scheduled but not yet delivered (a crash can only "unsend" these).
    var inFlight: Set<UInt64> = []
    var nextMessageID: UInt64 = 0
    var recentEnvelopes: [SignedEnvelope] = []
    var canonicalChain: [UInt64: Digest] = [:]
    var honestVotes: [VoteRecordKey: Digest] = [:]
    /// The VIEW-CHANGE and NEW-VIEW each honest validator signed for each view (signing digest).
    var honestViewMessages: [ViewMessageKey: Digest] = [:]
    /// `viewChangeMax(of:)` per validator, recomputed when its VIEW-CHANGEs change.
    var viewChangeMaxByValidator: [UInt16: UInt64?] = [:]
    var healed = false
    /// The honest node whose clock runs beyond the skew bound, if any (a fault: it counts
    /// against f with the Byzantine validators).
    var skewedBeyondBound: Int?
    /// Rolling restarts the seed still has to start, and whether one is under way.
    var rollingRestartsLeft = 0
    var hazardRestartsLeft = 0
    /// Aimed torn restarts the seed still has (`tearIfLoneViewChange`).
    var hazardTearsLeft = 0
    /// Aimed torn VIEW-CHANGEs the seed still has (`tearViewChangeBehindCheckpoint`).
    var hazardViewChangeTearsLeft = 0
    var rollingUnderWay = false
    /// The replicas a rolling restart has still to restart, in order, out of how many, and the
    /// view it was aimed at.
    var rollingPlan: [Int] = []
    var rollingPlanCount = 0
    var rollingView: UInt64 = 0
    /// Every message of this kind takes `delayedKindMillis` longer while set.
    var delayedKind: String?
    var delayedKindMillis: UInt64 = 0
    /// Replicas cut off from all others until `isolatedUntil` (an aimed rolling restart's
    /// committers of the re-proposed heights); meanwhile the others' links are calm (no random
    /// loss, long delays or partitions), so the schedule plays out as aimed.
    var isolated: Set<Int> = []
    var isolatedUntil: UInt64 = 0
    /// While set, PREPAREs are held on their way (congested links) until `releasePrepares`.
    var holdingPrepares = false
    var heldPrepares: [Event] = []
    /// The host's own queue per node (what its replica has not taken yet), and the node whose
    /// replica accepted each transaction (honest nodes; cleared when that node crashes).
    var hostQueues: [[Transaction]] = []
    var acceptedBy: [Digest: Int] = [:]
    /// Every transaction a host handed to its replica, so a refusal can give it back.
    var handedOver: [Digest: (transaction: Transaction, node: Int)] = [:]
    /// When every honest replica reached its targets, and the highest honest view then.
    var stableAt: UInt64?
    var viewAtStable: UInt64 = 0
    var nextDrainCheck: UInt64 = 0
    /// Every message of this kind is lost while set (correlated loss).
    var lostKind: String?
    /// The one node that still receives the lost kind, if any.
    var lostKindSpared: Int?
    var longLossLine: String?
    /// The fault phase: long (60 s, with a 45 s loss of every COMMIT) for one seed in 8.
    var faultPhaseMillis: UInt64 = 0
    var heightsAtHeal: [Int: UInt64] = [:]
    var finished = false
    var trace = TraceHasher()
    /// Every block body seen in a proposal, a block response or a commit, by digest.
    var knownBodies: [Digest: Block] = [:]
    /// Blocks Byzantine nodes made up and serve on request.
    var forgedBodies: [Digest: Block] = [:]

    struct ViewMessageKey: Hashable {
        let validator: UInt16
        let isNewView: Bool
        let view: UInt64
    }

    struct VoteRecordKey: Hashable {
        let validator: UInt16
        let kind: VoteKind
        let view: UInt64
        let height: UInt64
    }

    public init(options: SimulationOptions) {
        precondition(options.replicaCount >= 1, "the simulation needs at least one validator")
        self.options = options
        random = SplitMix64(seed: options.seed)
        realKeys = options.realKeys ?? (options.seed % 16 == 7)
        let count = options.replicaCount
        if realKeys {
            signers = (0..<count).map { _ in try! SigningKey() }
            clients = (0..<3).map { _ in try! SigningKey() }
            outsider = try! SigningKey()
            verifier = P256Verifier()
        } else {
            let simulated = (0..<count).map { SimulatedSigner(label: "validator-\($0)") }
            let simulatedClients = (0..<3).map { SimulatedSigner(label: "client-\($0)") }
            let simulatedOutsider = SimulatedSigner(label: "outsider")
            signers = simulated
            clients = simulatedClients
            outsider = simulatedOutsider
            verifier = SimulatedVerifier(signers: simulated + simulatedClients + [simulatedOutsider])
        }
        nonces = Array(repeating: 0, count: clients.count)
        rules = TransactionRules(chainID: chainID, members: Set(clients.map(\.publicKey.address)))
        validators = ValidatorSet(keys: signers.map(\.publicKey))
        parameters = ConsensusParameters(
            batchSizeMax: 8, checkpointInterval: 5, stateRootLag: 2, watermarkWindow: 20, tickMillis: 100,
            viewTimeoutTicks: 5, viewTimeoutMaxTicks: 40, clockSkewMaxMillis: 1_000)
        genesis = SimulatedExecution.genesis(
            chainID: chainID, timeMillis: genesisTimeMillis, validators: signers, clients: clients, parameters: parameters)
        genesisHash = genesis.hash
        realExecution = options.realExecution ?? (options.seed % 4 == 1)
        if realExecution {
            genesisStateRoot = LedgerState(genesis: genesis).stateRoot
            genesisReceiptsRoot = .zero
        } else {
            genesisStateRoot = SHA256.hash(Array("state-0".utf8))
            genesisReceiptsRoot = SHA256.hash(Array("receipts-0".utf8))
        }
        result.realExecution = realExecution
        result.seed = options.seed
        result.realKeys = realKeys
        buildNodes()
        hostQueues = Array(repeating: [], count: nodes.count)
        if realExecution { for node in nodes.indices { nodes[node].ledger = LedgerState(genesis: genesis) } }
    }

    /// The node's wall clock: simulated time, its offset and its drift.
    func clock(of node: Int) -> UInt64 {
        genesisTimeMillis + now + nodes[node].clockSkewMillis + now * nodes[node].clockDriftPerSecond / 1_000
    }

    /// Executes a committed block on the node's state: the real state machine or the stand-in.
    func execute(_ block: Block, at node: Int) -> ExecutionResult? {
        guard let ledger = nodes[node].ledger else {
            let previous = nodes[node].executions.last?.stateRoot ?? genesisStateRoot
            let stateRoot = SHA256.hash(parts: [previous.bytes, block.hash.bytes])
            return ExecutionResult(height: block.height, stateRoot: stateRoot, receiptsRoot: SHA256.hash(parts: [stateRoot.bytes, [0x72]]))
        }
        do {
            let execution = try ledger.applyCertified(block, verifier: verifier)
            let failed = execution.receipts.filter { !$0.succeeded }.count
            if nodes[node].isHonest { result.failedReceipts += failed }
            return ExecutionResult(height: block.height, stateRoot: execution.roots.stateRoot, receiptsRoot: execution.roots.receiptsRoot)
        } catch {
            if nodes[node].isHonest { violation("execution: n\(node) cannot execute the block it committed at height \(block.height): \(error)") }
            return nil
        }
    }

    /// After a restart: the state machine rebuilt by replaying the node's stored blocks.
    func rebuildLedger(_ node: Int) {
        guard realExecution else { return }
        let ledger = LedgerState(genesis: genesis)
        for entry in nodes[node].store {
            do { _ = try ledger.applyCertified(entry.block, verifier: verifier) } catch {
                violation("execution: n\(node) cannot replay its stored block \(entry.block.height): \(error)")
                break
            }
        }
        nodes[node].ledger = ledger
    }

    var faultsTolerated: Int { validators.faultsTolerated }

    func config(for validator: UInt16) -> ReplicaConfig {
        ReplicaConfig(
            chainID: chainID, genesisHash: genesisHash, genesisTimeMillis: genesisTimeMillis, validators: validators,
            parameters: parameters, selfIndex: validator, genesisStateRoot: genesisStateRoot,
            genesisReceiptsRoot: genesisReceiptsRoot, verifier: verifier,
            rules: rules, quorumOverrideForTesting: options.brokenQuorum ? faultsTolerated + 1 : nil,
            mempoolOwnCapacity: Simulation.mempoolOwnCapacity)
    }

    /// Chooses the Byzantine validators and the two sides Twins split the network into.
    func buildNodes() {
        let count = options.replicaCount
        let f = faultsTolerated
        var byzantine: [Int]
        if options.forkAttack {
            byzantine = Array(0...f)
        } else if options.brokenQuorum {
            byzantine = Array(0..<max(1, f))
        } else if realKeys {
            byzantine = []
        } else {
            let wanted = options.byzantineCount ?? random.int(0...f)
            var pool = Array(0..<count)
            byzantine = []
            for _ in 0..<min(wanted, count) {
                byzantine.append(pool.remove(at: Int(random.below(UInt64(pool.count)))))
            }
            byzantine.sort()
        }
        result.byzantineCount = byzantine.count
        let strategies = options.forkAttack || options.brokenQuorum ? [:] : drawStrategies(for: byzantine)
        let honest = (0..<count).filter { !byzantine.contains($0) }
        var sideOfHonest: [Int: Int] = [:]
        if options.forkAttack {
            for (offset, index) in honest.enumerated() { sideOfHonest[index] = offset < honest.count / 2 ? 0 : 1 }
            twinLeakPerMille = 0
        } else if options.brokenQuorum {
            let sideZero = max(1, f + 1 - byzantine.count)
            for (offset, index) in honest.enumerated() { sideOfHonest[index] = offset < sideZero ? 0 : 1 }
            twinLeakPerMille = 0
        } else {
            for index in honest { sideOfHonest[index] = Int(random.below(2)) }
        }
        for index in 0..<count {
            let validator = UInt16(index)
            let isByzantine = byzantine.contains(index)
            nodes.append(Node(
                validator: validator, twinSide: isByzantine ? 0 : nil, side: isByzantine ? 0 : sideOfHonest[index]!,
                replica: Replica(config: config(for: validator)), strategies: strategies[index] ?? []))
        }
        for index in byzantine {
            let validator = UInt16(index)
            nodes.append(Node(
                validator: validator, twinSide: 1, side: 1, replica: Replica(config: config(for: validator)),
                strategies: strategies[index] ?? []))
        }
        for (index, set) in strategies.sorted(by: { $0.key < $1.key }) {
            trace.line("v\(index) byzantine: twins \(set.sorted().map(\.rawValue).joined(separator: " "))", keep: options.trace)
        }
        for node in nodes.indices {
            nodes[node].clockSkewMillis = random.below(200)
            nodes[node].clockDriftPerSecond = random.below(6)
        }
        // A clock beyond the bound is a fault: one honest node's, when the faulty validators
        // leave room for it. Its proposals carry future timestamps and must be refused.
        if !options.forkAttack, !options.brokenQuorum, byzantine.count < faultsTolerated, random.below(4) == 0 {
            let honestIndices = nodes.indices.filter { nodes[$0].isHonest }
            let node = honestIndices[Int(random.below(UInt64(honestIndices.count)))]
            nodes[node].clockSkewMillis = parameters.clockSkewMaxMillis + 200 + random.below(2_000)
            skewedBeyondBound = node
            result.clockBeyondBound = true
            trace.line("n\(node)'s clock is \(nodes[node].clockSkewMillis) ms ahead (bound \(parameters.clockSkewMaxMillis))", keep: options.trace)
        }
    }

    var honestNodes: [Int] { nodes.indices.filter { nodes[$0].isHonest } }
    var quiet: Bool { options.forkAttack || options.brokenQuorum }

    /// Runs the seed to completion and returns what the checkers found.
    public func run() -> SimulationResult {
        faultPhaseMillis = options.faultPhaseMillis
        if !quiet {
            dropPerMille = random.int(0...300)
            duplicatePerMille = random.int(0...100)
            delayPerMille = random.int(0...150)
            if options.longFaultPhases, random.below(6) == 0 {
                // 60 s of faults, one kind lost for the first 45: every COMMIT (height after
                // height prepared in view after view, ≥ 12 failed views) or every CHECKPOINT
                // (the watermark window fills and stays full until CHECKPOINTs flow again).
                faultPhaseMillis = max(faultPhaseMillis, 60_000)
                result.longFaultPhase = true
                // That loss is the fault under test: no partitions or crashes on top, so the
                // chain runs as fast as the loss lets it (the window fills).
                dropPerMille = min(dropPerMille, 50)
                lostKind = random.below(2) == 0 ? "COMMIT" : "CHECKPOINT"
                // Half the time one honest replica still hears them.
                if random.below(2) == 0 { lostKindSpared = honestNodes[Int(random.below(UInt64(honestNodes.count)))] }
                queue.push(.lossByKind("LONG-LOSS-END"), at: 45_000)
                longLossLine = "every \(lostKind!) lost for 45 s\(lostKindSpared.map { " except to n\($0)" } ?? "")"
            }
        }
        trace.line("seed \(options.seed) n=\(options.replicaCount) byzantine=\(result.byzantineCount) realKeys=\(realKeys) drop=\(dropPerMille)‰ dup=\(duplicatePerMille)‰ delay=\(delayPerMille)‰ faultPhase=\(faultPhaseMillis)ms", keep: options.trace)
        if let longLossLine { trace.line(longLossLine, keep: options.trace) }
        queue.push(.tick, at: 0)
        queue.push(.offer, at: 1)
        if !quiet, !result.longFaultPhase {
            queue.push(.crash, at: 500 + random.below(3_000))
            queue.push(.partition, at: 300 + random.below(2_000))
        }
        if !quiet {
            queue.push(.inject, at: 200 + random.below(500))
            queue.push(.lossByKind(nil), at: 1_000 + random.below(4_000))
            rollingRestartsLeft = 1
            hazardRestartsLeft = 3
            hazardTearsLeft = 1
            hazardViewChangeTearsLeft = 2
            // One seed in three restores a validator's data directory from an older copy.
            if !result.longFaultPhase, random.below(3) == 0 { queue.push(.backup, at: 500 + random.below(4_000)) }
            if random.below(2) == 0 { queue.push(.slowDisk, at: 1_000 + random.below(4_000)) }
        }
        queue.push(.heal, at: faultPhaseMillis)
        var events = 0
        while !finished, let (time, event) = queue.pop() {
            now = time
            events += 1
            guard events < Simulation.eventsMax else {
                violation("bound: more than \(Simulation.eventsMax) events")
                break
            }
            handle(event)
            if healed, now > faultPhaseMillis + options.livenessBoundMillis {
                reportLiveness()
                break
            }
        }
        finish()
        return result
    }

    func handle(_ event: Event) {
        switch event {
        case .deliver(let envelope, let node, let id):
            if holdingPrepares, envelope.message.kindName == "PREPARE" {
                heldPrepares.append(event)
                return
            }
            inFlight.remove(id)
            if cancelled.remove(id) != nil { return }
            result.messagesDelivered += 1
            if !nodes[node].isHonest { serveForgedBody(envelope, at: node) }
            step(node, .message(envelope))
        case .tick:
            for node in nodes.indices where nodes[node].up {
                step(node, .tick(nowMillis: clock(of: node)))
                if !nodes[node].isHonest, nodes[node].up { byzantineTick(node) }
            }
            checkBounds()
            for node in nodes.indices where nodes[node].up { feed(node) }
            checkDone()
            queue.push(.tick, at: now + UInt64(parameters.tickMillis))
        case .offer:
            // Clients go quiet for the observation window: what is pending must drain, and
            // nothing but a faulty validator's traffic can start a view timer.
            guard stableAt == nil else { break }
            offerTransaction()
            queue.push(.offer, at: now + 40)
        case .transferResponse(let response, let node):
            step(node, .stateTransferResponse(response))
        case .crash: crashSomeone()
        case .restart(let node): restart(node)
        case .partition: changePartition()
        case .heal: heal()
        case .inject: injectForgery()
        case .rollingStep(let aimed): rollingStep(aimed: aimed)
        case .work(let node): offerWork(to: node)
        case .lossByKind(let kind): changeLossByKind(kind)
        case .backup: takeBackup()
        case .rollback(let node): rollBack(node)
        case .slowDisk: slowDownDisk()
        }
    }

    // MARK: Host

    /// One host step: the event and the executions it triggers, with the output carried out
    /// in the node's order: journal, then messages, then commits.
    func step(_ node: Int, _ event: ReplicaEvent) {
        guard nodes[node].up else { return }
        nodes[node].journalBeforeStep = nodes[node].journal
        nodes[node].highWaterBeforeStep = nodes[node].highWater
        nodes[node].lastStepMessageIDs = []
        nodes[node].lastStepVotes = []
        nodes[node].lastStepViewMessages = []
        nodes[node].journaledThisStep = false
        nodes[node].storeCountBeforeStep = nodes[node].store.count
        let viewBefore = (nodes[node].replica.view, nodes[node].replica.isViewChanging)
        var work: [ReplicaEvent] = [event]
        var rounds = 0
        while !work.isEmpty, rounds < 1_000 {
            rounds += 1
            let output = nodes[node].replica.step(work.removeFirst())
            carryOut(output, node: node, work: &work)
        }
        let viewAfter = (nodes[node].replica.view, nodes[node].replica.isViewChanging)
        if viewBefore != viewAfter {
            var line = "t=\(now) n\(node) view \(viewAfter.0)\(viewAfter.1 ? " changing" : " active")"
            if !viewAfter.1, let installed = nodes[node].replica.installedNewView, installed.view == viewAfter.0 {
                line += " re-proposing \(installed.reproposals.map(\.height))"
            }
            trace.line(line, keep: options.trace)
        }
        if let point = nodes[node].armedCrash, landsHere(point, node: node) { crash(node, at: point) }
        if nodes[node].up { tearIfLoneViewChange(node, viewBefore: viewBefore) }
        if nodes[node].up { tearViewChangeBehindCheckpoint(node) }
        if nodes[node].up { rollingRestartIfDue(node, wasChanging: viewBefore.1) }
    }

    func carryOut(_ output: ReplicaOutput, node: Int, work: inout [ReplicaEvent]) {
        nodes[node].journal.append(contentsOf: output.journalAppends)
        if let replacement = output.journalReplacement { nodes[node].journal = replacement }
        if let mark = output.highWater { nodes[node].highWater = mark }
        if !output.journalAppends.isEmpty || output.journalReplacement != nil { nodes[node].journaledThisStep = true }
        trace.record(time: now, node: node, messages: output.messages.count, committed: output.committed.count)
        for outbound in output.messages { send(outbound, from: node) }
        for committed in output.committed {
            knownBodies[committed.block.hash] = committed.block
            checkCommit(committed, node: node)
            nodes[node].store.append(committed)
            guard let execution = execute(committed.block, at: node) else { continue }
            nodes[node].executions.append(execution)
            work.append(.executed(execution))
        }
        for request in output.stateTransferRequests { serveStateTransfer(request, for: node) }
        for refused in output.refusedTransactions { hostRefused(refused, at: node) }
        if nodes[node].isHonest { checkDone() }
    }

    func send(_ outbound: OutboundMessage, from node: Int) {
        switch outbound.message {
        case .prePrepare(let proposal): knownBodies[proposal.block.hash] = proposal.block
        case .blockResponse(let block): knownBodies[block.hash] = block
        default: break
        }
        if nodes[node].isHonest {
            checkProposal(outbound.message, node: node)
            send(outbound.message, to: outbound.destination, from: node)
        } else {
            for message in rewrite(outbound.message, from: node) { send(message, to: outbound.destination, from: node) }
        }
    }

    func send(_ message: ConsensusMessage, to destination: Destination, from node: Int) {
        let validator = nodes[node].validator
        let digest = message.signingDigest(chainID: chainID, genesisHash: genesisHash)
        let signature = try! signers[Int(validator)].sign(digest: digest)
        let envelope = SignedEnvelope(sender: validator, message: message, signature: signature)
        if nodes[node].isHonest, let key = checkVote(message, validator: validator) { nodes[node].lastStepVotes.append(key) }
        if nodes[node].isHonest, let key = checkViewMessage(message, validator: validator, digest: digest) {
            nodes[node].lastStepViewMessages.append(key)
        }
        // The bytes a peer would carry: encoded once, decoded strictly. A faulty validator's
        // non-canonical message (e.g. a certificate with a signer twice) dies at the decoder.
        guard let decoded = try? SignedEnvelope.decode(envelope.canonicalBytes), decoded == envelope else {
            if nodes[node].isHonest { violation("encoding: n\(node)'s \(message.kindName) does not round-trip") }
            return
        }
        if recentEnvelopes.count < Simulation.recentEnvelopesMax {
            recentEnvelopes.append(envelope)
        } else {
            recentEnvelopes[Int(random.below(UInt64(Simulation.recentEnvelopesMax)))] = envelope
        }
        var targets: [Int]
        switch destination {
        case .broadcast: targets = nodes.indices.filter { $0 == node || nodes[$0].validator != validator }
        case .replica(let index) where index == validator: targets = [node]
        case .replica(let index): targets = nodes.indices.filter { nodes[$0].validator == index }
        }
        if !nodes[node].isHonest { targets = withheld(targets, from: node, message: message) }
        for target in targets { transmit(envelope, from: node, to: target) }
    }

    func transmit(_ envelope: SignedEnvelope, from node: Int, to target: Int) {
        if target == node {
            schedule(envelope, to: target, at: now, from: node)
            return
        }
        guard !blocked(from: node, to: target) else { return }
        if let lostKind, envelope.message.kindName == lostKind, target != lostKindSpared {
            result.lostByKind += 1
            return
        }
        if !healed, !calm, random.chance(perMille: dropPerMille) { return }
        var extra = delayedKind == envelope.message.kindName ? delayedKindMillis : 0
        if nodes[node].slowDiskUntil > now {
            extra += nodes[node].slowDiskMillis
            guard enqueueSend(from: node, to: target, deliveryAt: now + extra) else { return }
        }
        schedule(envelope, to: target, at: now + latency() + extra, from: node)
        if !healed, random.chance(perMille: duplicatePerMille) { schedule(envelope, to: target, at: now + latency() + extra, from: node) }
    }

    func schedule(_ envelope: SignedEnvelope, to target: Int, at time: UInt64, from node: Int) {
        nextMessageID += 1
        nodes[node].lastStepMessageIDs.append(nextMessageID)
        inFlight.insert(nextMessageID)
        queue.push(.deliver(envelope, node: target, id: nextMessageID), at: time)
    }

    func latency() -> UInt64 {
        if healed || calm { return 1 + random.below(10) }
        var millis = 1 + random.below(20)
        if random.chance(perMille: delayPerMille) { millis += random.below(800) }
        return millis
    }

    func serveStateTransfer(_ request: StateTransferRequest, for node: Int) {
        let peers = nodes.indices.filter { nodes[$0].validator == request.peer && nodes[$0].up }
        guard let peer = peers.first, !blocked(from: peer, to: node), healed || !random.chance(perMille: dropPerMille) else { return }
        var store = nodes[peer].store
        let lying = !nodes[peer].isHonest && uses(peer, .lyingStateTransfer)
        if lying, let longest = honestNodes.map({ nodes[$0].store }).max(by: { $0.count < $1.count }), longest.count > store.count {
            store = longest  // the adversary knows every honest replica's chain
        }
        guard request.fromHeight >= 1, request.fromHeight <= request.toHeight else { return }
        let from = Int(request.fromHeight) - 1
        let to = min(Int(request.toHeight), store.count)
        var entries = from < to ? Array(store[from..<to]) : []
        if lying { entries = lie(entries) }
        queue.push(.transferResponse(StateTransferResponse(peer: request.peer, entries: entries), node: node), at: now + latency())
    }

    /// A client sends a transaction (now and then a burst of 40) to a node that is up; the
    /// node's host queues it and feeds its replica.
    func offerTransaction() {
        let up = nodes.indices.filter { nodes[$0].up }
        guard !up.isEmpty else { return }
        let node = up[Int(random.below(UInt64(up.count)))]
        let count = !healed && random.below(256) == 0 ? 40 : 1
        for _ in 0..<count { hostQueues[node].append(freshTransaction()) }
        feed(node)
    }

    /// Hands the host's queued transactions to its replica: what fits, and now and then a few
    /// more, which the replica must give back (`refusedTransactions`), never drop.
    func feed(_ node: Int) {
        guard nodes[node].up, !hostQueues[node].isEmpty else { return }
        let room = nodes[node].replica.mempoolRoom + Int(random.below(4))
        let batch = Array(hostQueues[node].prefix(room))
        guard !batch.isEmpty else { return }
        hostQueues[node].removeFirst(batch.count)
        for transaction in batch {
            handedOver[transaction.id] = (transaction, node)
            if nodes[node].isHonest { acceptedBy[transaction.id] = node }
        }
        step(node, .transactions(batch))
    }

    /// The replica gave a transaction back (at once, or later, e.g. from a pruned proposal):
    /// the host keeps it for later.
    func hostRefused(_ id: Digest, at node: Int) {
        // A transaction the host never had (a peer's, back from this replica's own restored
        // proposal) is the client's node's to keep; this host has nothing to hold.
        guard let (transaction, handedTo) = handedOver[id], handedTo == node else { return }
        acceptedBy[id] = nil
        hostQueues[node].insert(transaction, at: 0)
        result.refusedTransactions += 1
    }

    /// Ends the run once every honest replica reached its targets and the observation window
    /// after that has passed.
    func checkDone() {
        guard !finished else { return }
        if let stableAt {
            // After the observation window, the run goes on (up to the drain bound) until nothing
            // waits at an up-to-date replica; looked at once per tick.
            guard now >= stableAt + Simulation.observationMillis, now >= nextDrainCheck else { return }
            nextDrainCheck = now + UInt64(parameters.tickMillis)
            if now >= stableAt + Simulation.drainBoundMillis || skewedBeyondBound != nil || stalled(uncommitted().waiting).isEmpty {
                finished = true
            }
        } else if allHonestDone() {
            stableAt = now
            viewAtStable = honestNodes.map { nodes[$0].replica.view }.max() ?? 0
            trace.line("t=\(now) targets reached at view \(viewAtStable); observing", keep: options.trace)
        }
    }

    func allHonestDone() -> Bool {
        guard healed else { return false }
        for node in honestNodes {
            let height = UInt64(nodes[node].store.count)
            if height < options.blocksTarget || height < heightsAtHeal[node, default: 0] + options.livenessBlocks { return false }
        }
        return true
    }

    func finish() {
        if result.violations.isEmpty, stableAt != nil {
            checkViewsSettled()
            checkNothingLost()
        }
        for node in nodes.indices { accumulate(node) }
        result.blocksCommitted = honestNodes.map { UInt64(nodes[$0].store.count) }.min() ?? 0
        result.simulatedMillis = now
        trace.line("end t=\(now) committed=\(result.blocksCommitted) violations=\(result.violations.count)", keep: options.trace)
        result.traceHash = trace.finish()
        result.traceLines = trace.lines
    }

    /// Adds a replica's counters to the run's totals (at a crash, and at the end).
    func accumulate(_ node: Int) {
        let counters = nodes[node].replica.counters
        guard nodes[node].isHonest else { return }
        result.viewChanges += counters.viewChangesStarted
        result.nestedViewChanges += counters.nestedViewChanges
        result.stateTransfers += counters.stateTransfersStarted
        result.equivocations += counters.evidenceCount
        result.forgedDropped += counters.dropped(.badSignature)
        result.rollbacksDetected += counters.rollbacksDetected
        result.votesRefusedBelowFloor += counters.votesRefusedBelowFloor + counters.viewsLeftBelowFloor
        nodes[node].replica.counters = ReplicaCounters()
    }
}
