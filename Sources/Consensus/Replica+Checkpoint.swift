import LedgerCore
import LedgerCrypto

/// Checkpoints every K blocks: a quorum of matching CHECKPOINTs makes one stable, which moves the
/// watermarks and garbage-collects consensus messages (never blocks: the host keeps those).
extension Replica {
    mutating func onCheckpoint(_ checkpoint: Checkpoint, from sender: UInt16, signature: Signature) {
        let height = checkpoint.height
        guard height % UInt64(parameters.checkpointInterval) == 0 else { return drop(.invalidContent) }
        guard height > lowWatermark else {
            answerBehindCheckpoint(from: sender)
            return drop(.outsideWatermarks)
        }
        if let existing = checkpointVotes[height]?[sender] {
            if existing.checkpoint == checkpoint { return drop(.duplicate) }
            return record(evidence: Evidence(
                validator: sender, kind: .checkpoint, view: 0, height: height,
                first: existing.checkpoint.digest, second: checkpoint.digest))
        }
        // Bounded: a sender has votes at no more than a few heights; the lowest goes first.
        let senderHeights = checkpointVotes.keys.filter { checkpointVotes[$0]?[sender] != nil }.sorted()
        if senderHeights.count >= Replica.checkpointHeightsPerSenderMax {
            guard let lowest = senderHeights.first, lowest < height else { return drop(.bufferFull) }
            checkpointVotes[lowest]?[sender] = nil
            if checkpointVotes[lowest]?.isEmpty == true { checkpointVotes[lowest] = nil }
        }
        checkpointVotes[height, default: [:]][sender] = (checkpoint, signature)
        evaluateCheckpoints()
    }

    /// A CHECKPOINT at or below this replica's stable one comes from a replica that missed the
    /// round: answer with this replica's vote for its stable checkpoint (the state it executed and
    /// a quorum certified, so never a contradiction), at most once per view timeout per sender.
    mutating func answerBehindCheckpoint(from sender: UInt16) {
        guard sender != selfIndex, let stableCertificate,
              checkpointAnswers.spend(for: sender, atTick: tickCount, periodTicks: UInt64(parameters.viewTimeoutTicks)) else { return }
        output.messages.append(OutboundMessage(destination: .replica(sender), message: .checkpoint(stableCertificate.checkpoint)))
    }

    /// Makes the highest certified checkpoint stable once executed here, or catches up to it.
    mutating func evaluateCheckpoints() {
        for height in checkpointVotes.keys.sorted(by: >) where height > lowWatermark {
            let votes = checkpointVotes[height]!
            var groups: [Checkpoint: [ValidatorSignature]] = [:]
            for sender in votes.keys.sorted() {
                let vote = votes[sender]!
                groups[vote.checkpoint, default: []].append(ValidatorSignature(validatorIndex: sender, signature: vote.signature))
            }
            for checkpoint in groups.keys.sorted(by: { $0.digest < $1.digest }) {
                let signatures = groups[checkpoint]!
                if signatures.count >= config.quorum {
                    let certificate = CheckpointCertificate(checkpoint: checkpoint, signatures: signatures)
                    if adoptCheckpoint(certificate) { return }
                } else if signatures.count >= config.weakQuorum, height > highWatermark, committedHeight < height {
                    // f+1 matching checkpoints above the high watermark: at least one honest replica is there.
                    startStateTransfer(to: height)
                }
            }
        }
    }

    /// True if the certificate became (or already is) this replica's stable checkpoint.
    @discardableResult
    mutating func adoptCheckpoint(_ certificate: CheckpointCertificate) -> Bool {
        let height = certificate.height
        guard height > lowWatermark else { return true }
        if height > committedHeight {
            startStateTransfer(to: height)
            return false
        }
        guard height <= executedHeight, let result = executions[height] else { return false }
        guard result.stateRoot == certificate.checkpoint.stateRoot, committedHashes[height] == certificate.checkpoint.blockHash else {
            counters.safetyAlarms += 1
            return false
        }
        makeStable(certificate)
        return true
    }

    mutating func makeStable(_ certificate: CheckpointCertificate) {
        let height = certificate.height
        precondition(height > lowWatermark && height <= executedHeight, "a stable checkpoint is executed and above the last")
        lowWatermark = height
        stableCertificate = certificate
        let lag = UInt64(parameters.stateRootLag)
        slots = slots.filter { $0.key > height }
        prepares.prune(atOrBelow: height)
        commits.prune(atOrBelow: height)
        commitCertificates = commitCertificates.filter { $0.key > height }
        preparedCertificates = preparedCertificates.filter { $0.key > height }
        checkpointVotes = checkpointVotes.filter { $0.key > height }
        let keptBlocks = blocks.filter { $0.value.height > height }
        blockValidity = blockValidity.filter { keptBlocks[$0.key] != nil }
        blocks = keptBlocks
        bodyRequests = bodyRequests.filter { keptBlocks[$0.key] != nil }
        committedHashes = committedHashes.filter { $0.key >= height }
        committedTimestamps = committedTimestamps.filter { $0.key >= height }
        executions = executions.filter { $0.key + lag > height }
        sentVotes = sentVotes.filter { $0.key.height > height }
        sentMessages = sentMessages.filter { $0.key.height > height }
        journalCompactionPending = true
    }

    /// A checkpoint certificate with a quorum of valid CHECKPOINT signatures from distinct validators.
    func isValidCheckpointCertificate(_ certificate: CheckpointCertificate) -> Bool {
        let digest = VoteDigest.compute(
            kind: .checkpoint, chainID: config.chainID, genesisHash: config.genesisHash, view: 0,
            height: certificate.height, digest: certificate.checkpoint.digest)
        return hasQuorum(certificate.signatures, digest: digest)
    }

    /// A quorum of distinct known validators, each signature valid for `digest`.
    func hasQuorum(_ signatures: [ValidatorSignature], digest: Digest) -> Bool {
        var seen = Set<UInt16>()
        for entry in signatures {
            guard Int(entry.validatorIndex) < config.count, seen.insert(entry.validatorIndex).inserted,
                  config.verifier.isValidSignature(entry.signature, digest: digest, publicKey: config.validators.keys[Int(entry.validatorIndex)])
            else { return false }
        }
        return seen.count >= config.quorum
    }
}
