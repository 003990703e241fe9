import LedgerCore
import LedgerCrypto

/// The faulty validators' strategies (`ByzantineStrategy`): rewriting what their honest code
/// sends, sending what honest code never would, and serving the forged blocks they point at.
/// The simulation is omniscient here (it reads any block any node holds), which only makes
/// the adversary stronger.
extension Simulation {
    /// Draws each Byzantine validator's strategies: every one with probability ½, at least one.
    func drawStrategies(for byzantine: [Int]) -> [Int: Set<ByzantineStrategy>] {
        var chosen: [Int: Set<ByzantineStrategy>] = [:]
        for validator in byzantine {
            var set = Set(ByzantineStrategy.allCases.filter { _ in random.below(2) == 0 })
            if set.isEmpty { set.insert(ByzantineStrategy.allCases[Int(random.below(UInt64(ByzantineStrategy.allCases.count)))]) }
            chosen[validator] = set
        }
        return chosen
    }

    func uses(_ node: Int, _ strategy: ByzantineStrategy) -> Bool { nodes[node].strategies.contains(strategy) }

    func count(_ strategy: ByzantineStrategy) { result.strategyActions[strategy.rawValue, default: 0] += 1 }

    /// What a Byzantine node sends instead of `message`: the message itself, a forgery, or both.
    func rewrite(_ message: ConsensusMessage, from node: Int) -> [ConsensusMessage] {
        guard !healed || random.below(4) == 0 else { return [message] }
        switch message {
        case .prepare(let vote) where uses(node, .wrongDigestVotes) && random.below(2) == 0:
            count(.wrongDigestVotes)
            let wrong = ConsensusMessage.prepare(Vote(view: vote.view, height: vote.height, blockHash: wrongDigest(vote.blockHash)))
            return random.below(2) == 0 ? [wrong] : [wrong, message]
        case .commit(let vote) where uses(node, .wrongDigestVotes) && random.below(2) == 0:
            count(.wrongDigestVotes)
            let wrong = ConsensusMessage.commit(Vote(view: vote.view, height: vote.height, blockHash: wrongDigest(vote.blockHash)))
            return random.below(2) == 0 ? [wrong] : [wrong, message]
        case .newView(let newView) where uses(node, .forgedNewView) && !newView.reproposals.isEmpty && random.below(4) != 0:
            guard let forged = forgedReproposals(newView.reproposals) else { return [message] }
            count(.forgedNewView)
            return [.newView(NewView(view: newView.view, viewChanges: newView.viewChanges, reproposals: forged))]
        case .viewChange(let change) where uses(node, .forgedCertificates) && random.below(2) == 0:
            guard let forged = forgedViewChange(change, from: node) else { return [message] }
            count(.forgedCertificates)
            return [.viewChange(forged)]
        default:
            return [message]
        }
    }

    /// Whom a Byzantine node's broadcast reaches: with `withholding`, a random part.
    func withheld(_ targets: [Int], from node: Int, message: ConsensusMessage) -> [Int] {
        guard uses(node, .withholding), !healed, message.isVoteOrProposal else { return targets }
        let kept = targets.filter { $0 == node || random.below(2) == 0 }
        if kept.count < targets.count { count(.withholding) }
        return kept
    }

    func wrongDigest(_ digest: Digest) -> Digest { SHA256.hash(parts: [digest.bytes, Array("wrong".utf8)]) }

    /// `block` with its timestamp one millisecond later and `parent` as its parent: a
    /// well-formed block of the same height and transactions, with another digest.
    func forgedBlock(_ block: Block, parent: Digest? = nil) -> Block {
        let header = block.header
        let forged = Block(
            header: BlockHeader(
                chainID: header.chainID, height: header.height, parentHash: parent ?? header.parentHash,
                timestampMillis: header.timestampMillis + 1, transactionsRoot: header.transactionsRoot,
                transactionCount: header.transactionCount, stateRoot: header.stateRoot, receiptsRoot: header.receiptsRoot),
            transactions: block.transactions)
        forgedBodies[forged.hash] = forged
        return forged
    }

    /// The same heights, each bound to a forged block chained on the previous forged one.
    func forgedReproposals(_ reproposals: [Reproposal]) -> [Reproposal]? {
        var forged: [Reproposal] = []
        var parent: Digest?
        for reproposal in reproposals {
            guard let body = knownBodies[reproposal.blockHash] else { return nil }
            let block = forgedBlock(body, parent: parent)
            parent = block.hash
            forged.append(Reproposal(height: reproposal.height, blockHash: block.hash))
        }
        return forged
    }

    /// A VIEW-CHANGE claiming that a forged block was prepared in the view just below the new
    /// one, at the height above the highest stable checkpoint an honest replica holds — a
    /// height some honest replica may already have committed.
    func forgedViewChange(_ change: ViewChange, from node: Int) -> ViewChange? {
        let stable = honestNodes.map { nodes[$0].replica.lowWatermark }.max() ?? 0
        let height = stable + 1
        guard change.newView >= 1, let canonical = canonicalChain[height], let body = knownBodies[canonical] else { return nil }
        let forged = forgedBlock(body)
        let claimedView = change.newView - 1
        let validator = nodes[node].validator
        let sign = { (view: UInt64) -> Signature in
            let digest = VoteDigest.compute(
                kind: .prepare, chainID: self.chainID, genesisHash: self.genesisHash, view: view, height: height, digest: forged.hash)
            return try! self.signers[Int(validator)].sign(digest: digest)
        }
        let quorum = validators.quorum
        var signatures: [ValidatorSignature]
        switch random.below(4) {
        case 0:  // its own signature under every index
            signatures = (0..<quorum).map { ValidatorSignature(validatorIndex: UInt16($0), signature: sign(claimedView)) }
        case 1:  // itself, a quorum of times
            signatures = Array(repeating: ValidatorSignature(validatorIndex: validator, signature: sign(claimedView)), count: quorum)
        case 2:  // signers outside the validator set
            signatures = (0..<quorum).map { ValidatorSignature(validatorIndex: UInt16(validators.count + $0), signature: sign(claimedView)) }
        default:  // signatures of another view
            signatures = (0..<quorum).map { ValidatorSignature(validatorIndex: UInt16($0), signature: sign(claimedView + 1)) }
        }
        let certificate = PreparedCertificate(view: claimedView, height: height, blockHash: forged.hash, signatures: signatures)
        let prepared = change.prepared.filter { $0.height != height } + [certificate]
        return ViewChange(newView: change.newView, checkpoint: change.checkpoint, prepared: prepared)
    }

    /// What a Byzantine node sends on its own each tick — also after the network heals: none
    /// of it may cost honest replicas their liveness.
    func byzantineTick(_ node: Int) {
        let replica = nodes[node].replica
        let everyone = nodes.indices.filter { nodes[$0].validator != nodes[node].validator }
        if uses(node, .invalidForwards), random.below(8) == 0 {
            count(.invalidForwards)
            let outsiderTransaction = try! Transaction(
                chainID: chainID, nonce: 1 + random.below(1_000), payload: samplePayload(to: clients[0].publicKey.address), signer: outsider)
            let member = clients[Int(random.below(UInt64(clients.count)))]
            let otherChain = try! Transaction(
                chainID: "another-chain", nonce: 1 + random.below(1_000), payload: samplePayload(to: clients[1].publicKey.address),
                signer: member)
            forge(.forward([outsiderTransaction, otherChain]), from: node, to: everyone)
        }
        if uses(node, .selectiveForwards), random.below(8) == 0 {
            count(.selectiveForwards)
            let primary = validators.primary(of: replica.view)
            let backups = everyone.filter { nodes[$0].validator != UInt16(primary) }
            forge(.forward([freshTransaction()]), from: node, to: backups)
        }
        if uses(node, .bufferFlood), random.below(16) == 0 {
            count(.bufferFlood)
            let target = everyone[Int(random.below(UInt64(everyone.count)))]
            let base = nodes[target].replica.view
            let low = nodes[target].replica.lowWatermark
            for offset in 0..<96 as Range<UInt64> {
                let vote = Vote(view: base + 1 + offset % 8, height: low + 1 + offset, blockHash: SHA256.hash([UInt8(truncatingIfNeeded: offset), 0x66]))
                forge(.prepare(vote), from: node, to: [target])
            }
        }
        if uses(node, .staleViewChanges), random.below(16) == 0 {
            count(.staleViewChanges)
            let newView: UInt64
            switch random.below(3) {
            case 0: newView = replica.view > 2 ? replica.view - 2 : 0
            case 1: newView = replica.view + 1
            default: newView = replica.view + 50 + random.below(1_000)
            }
            forge(.viewChange(ViewChange(newView: newView, checkpoint: nil, prepared: [])), from: node, to: everyone)
        }
    }

    /// Signs `message` with the node's key and sends it to `targets` as the network allows.
    func forge(_ message: ConsensusMessage, from node: Int, to targets: [Int]) {
        let validator = nodes[node].validator
        let digest = message.signingDigest(chainID: chainID, genesisHash: genesisHash)
        let envelope = SignedEnvelope(sender: validator, message: message, signature: try! signers[Int(validator)].sign(digest: digest))
        for target in targets { transmit(envelope, from: node, to: target) }
    }

    /// A Byzantine node answers requests for the forged blocks it pointed at.
    func serveForgedBody(_ envelope: SignedEnvelope, at node: Int) {
        guard case .blockRequest(let digest) = envelope.message, let body = forgedBodies[digest] else { return }
        let requesters = nodes.indices.filter { nodes[$0].validator == envelope.sender }
        forge(.blockResponse(body), from: node, to: requesters)
    }

    /// A state-transfer answer from a Byzantine peer: forged blocks with their real
    /// certificates, a truncated range, or certificates of other heights.
    func lie(_ entries: [CommittedBlock]) -> [CommittedBlock] {
        guard !entries.isEmpty else { return entries }
        count(.lyingStateTransfer)
        switch random.below(3) {
        case 0:
            var parent: Digest?
            return entries.map { entry in
                let forged = forgedBlock(entry.block, parent: parent)
                parent = forged.hash
                return CommittedBlock(block: forged, certificate: entry.certificate)
            }
        case 1:
            return Array(entries.prefix(entries.count / 2))
        default:
            let shifted = entries.indices.map { entries[($0 + 1) % entries.count].certificate }
            return zip(entries, shifted).map { CommittedBlock(block: $0.block, certificate: $1) }
        }
    }

    func samplePayload(to recipient: Address) -> Payload {
        .transferFunds(TransferFunds(to: recipient, currency: "EUR", amount: 1 + random.below(10_000), category: .renewableEnergy, purpose: "sim"))
    }

    /// A new, valid client transaction (counted as offered: it may commit).
    func freshTransaction() -> Transaction {
        let client = Int(random.below(UInt64(clients.count)))
        nonces[client] += 1
        let transaction = try! Transaction(
            chainID: chainID, nonce: nonces[client], payload: samplePayload(to: clients[(client + 1) % clients.count].publicKey.address),
            signer: clients[client])
        offered.insert(transaction.id)
        return transaction
    }
}

extension ConsensusMessage {
    var isVoteOrProposal: Bool {
        switch self {
        case .prePrepare, .prepare, .commit: true
        default: false
        }
    }
}
