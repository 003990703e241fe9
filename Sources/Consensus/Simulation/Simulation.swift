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
        var lastStepMessageIDs: [UInt64] = []
        var lastStepVotes: [VoteRecordKey] = []
        var store: [CommittedBlock] = []
        var executions: [ExecutionResult] = []
        var clockSkewMillis: UInt64 = 0
        var counted = ReplicaCounters()
        var crashedInViewChange = false
        var isHonest: Bool { twinSide == nil }
    }

    enum Partition {
        case groups([Int])
        case oneWay(from: Set<Int>, to: Set<Int>)
    }

    static let eventsMax = 3_000_000
    static let violationsMax = 20
    static let recentEnvelopesMax = 64

    let options: SimulationOptions
    var random: SplitMix64
    let chainID: Identifier = "sim-chain"
    let genesisHash: Digest
    let genesisTimeMillis: UInt64 = 1_700_000_000_000
    let parameters: ConsensusParameters
    let validators: ValidatorSet
    let signers: [any DigestSigner]
    let clients: [any DigestSigner]
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
    var healed = false
    var heightsAtHeal: [Int: UInt64] = [:]
    var finished = false
    var trace = TraceHasher()

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
            verifier = P256Verifier()
        } else {
            let simulated = (0..<count).map { SimulatedSigner(label: "validator-\($0)") }
            let simulatedClients = (0..<3).map { SimulatedSigner(label: "client-\($0)") }
            signers = simulated
            clients = simulatedClients
            verifier = SimulatedVerifier(signers: simulated + simulatedClients)
        }
        nonces = Array(repeating: 0, count: clients.count)
        validators = ValidatorSet(keys: signers.map(\.publicKey))
        parameters = ConsensusParameters(
            batchSizeMax: 8, checkpointInterval: 5, stateRootLag: 2, watermarkWindow: 20, tickMillis: 100,
            viewTimeoutTicks: 5, viewTimeoutMaxTicks: 40, clockSkewMaxMillis: 1_000)
        genesisHash = SHA256.hash(Array("GL/sim/genesis/\(count)".utf8))
        result.seed = options.seed
        result.realKeys = realKeys
        buildNodes()
    }

    var faultsTolerated: Int { validators.faultsTolerated }

    func config(for validator: UInt16) -> ReplicaConfig {
        ReplicaConfig(
            chainID: chainID, genesisHash: genesisHash, genesisTimeMillis: genesisTimeMillis, validators: validators,
            parameters: parameters, selfIndex: validator, genesisStateRoot: SHA256.hash(Array("state-0".utf8)),
            genesisReceiptsRoot: SHA256.hash(Array("receipts-0".utf8)), verifier: verifier,
            rules: TransactionRules(chainID: chainID, members: Set(clients.map(\.publicKey.address))),
            quorumOverrideForTesting: options.brokenQuorum ? faultsTolerated + 1 : nil)
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
                replica: Replica(config: config(for: validator))))
        }
        for index in byzantine {
            let validator = UInt16(index)
            nodes.append(Node(validator: validator, twinSide: 1, side: 1, replica: Replica(config: config(for: validator))))
        }
        for node in nodes.indices { nodes[node].clockSkewMillis = random.below(200) }
    }

    var honestNodes: [Int] { nodes.indices.filter { nodes[$0].isHonest } }
    var quiet: Bool { options.forkAttack || options.brokenQuorum }

    /// Runs the seed to completion and returns what the checkers found.
    public func run() -> SimulationResult {
        if !quiet {
            dropPerMille = random.int(0...300)
            duplicatePerMille = random.int(0...100)
            delayPerMille = random.int(0...150)
        }
        trace.line("seed \(options.seed) n=\(options.replicaCount) byzantine=\(result.byzantineCount) realKeys=\(realKeys) drop=\(dropPerMille)‰ dup=\(duplicatePerMille)‰ delay=\(delayPerMille)‰", keep: options.trace)
        queue.push(.tick, at: 0)
        queue.push(.offer, at: 1)
        queue.push(.heal, at: options.faultPhaseMillis)
        if !quiet {
            queue.push(.crash, at: 500 + random.below(3_000))
            queue.push(.partition, at: 300 + random.below(2_000))
            queue.push(.inject, at: 200 + random.below(500))
        }
        var events = 0
        while !finished, let (time, event) = queue.pop() {
            now = time
            events += 1
            guard events < Simulation.eventsMax else {
                violation("bound: more than \(Simulation.eventsMax) events")
                break
            }
            handle(event)
            if healed, now > options.faultPhaseMillis + options.livenessBoundMillis {
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
            inFlight.remove(id)
            if cancelled.remove(id) != nil { return }
            result.messagesDelivered += 1
            step(node, .message(envelope))
        case .tick:
            for node in nodes.indices where nodes[node].up { step(node, .tick(nowMillis: genesisTimeMillis + now + nodes[node].clockSkewMillis)) }
            queue.push(.tick, at: now + UInt64(parameters.tickMillis))
        case .offer:
            offerTransaction()
            queue.push(.offer, at: now + 40)
        case .transferResponse(let response, let node):
            step(node, .stateTransferResponse(response))
        case .crash: crashSomeone()
        case .restart(let node): restart(node)
        case .partition: changePartition()
        case .heal: heal()
        case .inject: injectForgery()
        }
    }

    // MARK: Host

    /// One host step: the event and the executions it triggers, with the output carried out
    /// in the node's order: journal, then messages, then commits.
    func step(_ node: Int, _ event: ReplicaEvent) {
        guard nodes[node].up else { return }
        nodes[node].journalBeforeStep = nodes[node].journal
        nodes[node].lastStepMessageIDs = []
        nodes[node].lastStepVotes = []
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
            trace.line("t=\(now) n\(node) view \(viewAfter.0)\(viewAfter.1 ? " changing" : " active")", keep: options.trace)
        }
    }

    func carryOut(_ output: ReplicaOutput, node: Int, work: inout [ReplicaEvent]) {
        nodes[node].journal.append(contentsOf: output.journalAppends)
        if let replacement = output.journalReplacement { nodes[node].journal = replacement }
        trace.record(time: now, node: node, messages: output.messages.count, committed: output.committed.count)
        for outbound in output.messages { send(outbound, from: node) }
        for committed in output.committed {
            checkCommit(committed, node: node)
            nodes[node].store.append(committed)
            let previous = nodes[node].executions.last?.stateRoot ?? config(for: 0).genesisStateRoot
            let stateRoot = SHA256.hash(parts: [previous.bytes, committed.block.hash.bytes])
            let execution = ExecutionResult(
                height: committed.block.height, stateRoot: stateRoot, receiptsRoot: SHA256.hash(parts: [stateRoot.bytes, [0x72]]))
            nodes[node].executions.append(execution)
            work.append(.executed(execution))
        }
        for request in output.stateTransferRequests { serveStateTransfer(request, for: node) }
        if nodes[node].isHonest, allHonestDone() { finished = true }
    }

    func send(_ outbound: OutboundMessage, from node: Int) {
        let validator = nodes[node].validator
        let digest = outbound.message.signingDigest(chainID: chainID, genesisHash: genesisHash)
        let signature = try! signers[Int(validator)].sign(digest: digest)
        let envelope = SignedEnvelope(sender: validator, message: outbound.message, signature: signature)
        if nodes[node].isHonest, let key = checkVote(outbound.message, validator: validator) { nodes[node].lastStepVotes.append(key) }
        // The bytes a peer would carry: encoded once, decoded strictly.
        let decoded = try! SignedEnvelope.decode(envelope.canonicalBytes)
        precondition(decoded == envelope, "canonical encoding round-trips")
        if recentEnvelopes.count < Simulation.recentEnvelopesMax {
            recentEnvelopes.append(envelope)
        } else {
            recentEnvelopes[Int(random.below(UInt64(Simulation.recentEnvelopesMax)))] = envelope
        }
        let targets: [Int]
        switch outbound.destination {
        case .broadcast: targets = nodes.indices.filter { $0 == node || nodes[$0].validator != validator }
        case .replica(let index) where index == validator: targets = [node]
        case .replica(let index): targets = nodes.indices.filter { nodes[$0].validator == index }
        }
        for target in targets { transmit(envelope, from: node, to: target) }
    }

    func transmit(_ envelope: SignedEnvelope, from node: Int, to target: Int) {
        if target == node {
            schedule(envelope, to: target, at: now, from: node)
            return
        }
        guard !blocked(from: node, to: target) else { return }
        if !healed, random.chance(perMille: dropPerMille) { return }
        schedule(envelope, to: target, at: now + latency(), from: node)
        if !healed, random.chance(perMille: duplicatePerMille) { schedule(envelope, to: target, at: now + latency(), from: node) }
    }

    func schedule(_ envelope: SignedEnvelope, to target: Int, at time: UInt64, from node: Int) {
        nextMessageID += 1
        nodes[node].lastStepMessageIDs.append(nextMessageID)
        inFlight.insert(nextMessageID)
        queue.push(.deliver(envelope, node: target, id: nextMessageID), at: time)
    }

    func latency() -> UInt64 {
        if healed { return 1 + random.below(10) }
        var millis = 1 + random.below(20)
        if random.chance(perMille: delayPerMille) { millis += random.below(800) }
        return millis
    }

    func serveStateTransfer(_ request: StateTransferRequest, for node: Int) {
        let peers = nodes.indices.filter { nodes[$0].validator == request.peer && nodes[$0].up }
        guard let peer = peers.first, !blocked(from: peer, to: node), healed || !random.chance(perMille: dropPerMille) else { return }
        let store = nodes[peer].store
        guard request.fromHeight >= 1, request.fromHeight <= request.toHeight else { return }
        let from = Int(request.fromHeight) - 1
        let to = min(Int(request.toHeight), store.count)
        let entries = from < to ? Array(store[from..<to]) : []
        queue.push(.transferResponse(StateTransferResponse(peer: request.peer, entries: entries), node: node), at: now + latency())
    }

    func offerTransaction() {
        let client = Int(random.below(UInt64(clients.count)))
        nonces[client] += 1
        let recipient = clients[(client + 1) % clients.count].publicKey.address
        let payload = Payload.transferFunds(TransferFunds(
            to: recipient, currency: "EUR", amount: 1 + random.below(10_000), category: .renewableEnergy, purpose: "sim"))
        let transaction = try! Transaction(chainID: chainID, nonce: nonces[client], payload: payload, signer: clients[client])
        offered.insert(transaction.id)
        let up = nodes.indices.filter { nodes[$0].up }
        guard !up.isEmpty else { return }
        step(up[Int(random.below(UInt64(up.count)))], .transactions([transaction]))
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
        nodes[node].replica.counters = ReplicaCounters()
    }
}
