import LedgerCore
import LedgerCrypto

/// View change: VIEW-CHANGE carries the stable checkpoint and prepared certificates;
/// the new primary's NEW-VIEW re-proposes, with the same digests, what a quorum of them
/// prove prepared, and every replica recomputes and checks it.
extension Replica {
    static let viewChangeLookaheadMax: UInt64 = 64

    mutating func startViewChange(to target: UInt64) {
        // Below a rollback floor this replica may already have sent another VIEW-CHANGE for the
        // view: it complains about the first view above the floor instead, where it can speak.
        let newView = votingFloor.map { max(target, $0.view + 1) } ?? target
        guard newView > view else { return }
        if isViewChanging { counters.nestedViewChanges += 1 }
        counters.viewChangesStarted += 1
        view = newView
        isViewChanging = true
        slots = [:]
        pruneUnpreparedBodies()
        newViewSent = false
        installedNewView = nil
        sentNewView = nil
        boundReproposals = nil
        relayedToPrimary = false
        output.journalAppends.append(JournalRecord.view(newView, changing: true).encoded)
        // Only certificates inside the window of the checkpoint it carries: the others drop a
        // VIEW-CHANGE with any other as invalid, and a replica whose journal lost its stable
        // checkpoint (a torn record) would otherwise never be counted in any view change again
        // (simulator seed 3 of n = 7).
        let change = ViewChange(newView: newView, checkpoint: stableCertificate, prepared: viewChangeCertificates())
        if let ownViewChange { keepEarlier(ownViewChange) }
        send(.viewChange(change))
        ownViewChange = change
        viewChangeResendTick = tickCount + timeoutTicks
        viewChangeAttempts += 1
        // Castro–Liskov: the timer for the next view starts only once a quorum of VIEW-CHANGEs for
        // this one arrived, so a lone replica cannot run ahead of the others.
        timerDeadlineTick = nil
        viewChanges = viewChanges.filter { $0.key >= newView }
        futureMessages.removeAll(below: newView)
        tryNewView()
    }

    mutating func onViewChange(_ change: ViewChange, envelope: SignedEnvelope) {
        let target = change.newView
        if target < view || (target == view && !isViewChanging) {
            // The sender is behind: the current primary resends its NEW-VIEW.
            // At most once per view timeout per sender: a NEW-VIEW carries q VIEW-CHANGEs with their
            // certificates, and replayed stale VIEW-CHANGEs must not make this replica send it without end.
            answerStaleView(from: envelope.sender)
            answerStaleViewChange(target, from: envelope.sender)
            return drop(.staleView)
        }
        guard target <= view + Replica.viewChangeLookaheadMax else { return drop(.outsideWatermarks) }
        if let existing = viewChanges[target]?[envelope.sender] {
            if existing.message == envelope.message { return drop(.duplicate) }
            return drop(.invalidContent)
        }
        guard isValid(change) else { return drop(.invalidContent) }
        viewChanges[target, default: [:]][envelope.sender] = envelope
        if isViewChanging, target == view, timerDeadlineTick == nil, viewChanges[target]!.count >= config.quorum {
            timerDeadlineTick = tickCount + timeoutTicks
        }
        // Join on f+1 VIEW-CHANGEs for higher views: the smallest such view.
        let higher = viewChanges.filter { $0.key > view }
        var senders = Set<UInt16>()
        for (_, changes) in higher { senders.formUnion(changes.keys) }
        if senders.count >= config.weakQuorum, let smallest = higher.keys.min() {
            startViewChange(to: smallest)
        }
        tryNewView()
    }

    /// A replica still working in an earlier view (restarted from an old journal, cut off while
    /// the others moved on) gets the current primary's NEW-VIEW, which it can check and install.
    /// A primary of a stale view has no timer and the others send no VIEW-CHANGEs once their view
    /// works, so without this answer it proposed into its dead view for good (simulator seed 10
    /// of n = 4, with a rolled-back data directory). At most once per view timeout per sender:
    /// a NEW-VIEW carries a quorum of VIEW-CHANGEs with their certificates.
    mutating func answerStaleView(from sender: UInt16) {
        guard let installedNewView, installedNewView.view == view, !isViewChanging, isPrimary, sender != selfIndex,
              newViewResends.spend(for: sender, atTick: tickCount, periodTicks: UInt64(parameters.viewTimeoutTicks)) else { return }
        output.messages.append(OutboundMessage(destination: .replica(sender), message: .newView(installedNewView)))
    }

    static let earlierViewChangesKept = 4

    /// The prepared certificates a VIEW-CHANGE carries: above the low watermark and inside the
    /// window of the stable checkpoint it carries.
    func viewChangeCertificates() -> [PreparedCertificate] {
        let base = stableCertificate?.height ?? 0
        return preparedCertificates.keys.sorted()
            .filter { $0 > lowWatermark && $0 > base && $0 <= base + UInt64(parameters.watermarkWindow) }
            .prefix(ConsensusLimits.preparedCertificatesMax).map { preparedCertificates[$0]! }
    }

    mutating func keepEarlier(_ change: ViewChange) {
        earlierViewChanges[change.newView] = change
        while earlierViewChanges.count > Replica.earlierViewChangesKept, let oldest = earlierViewChanges.keys.min() {
            earlierViewChanges[oldest] = nil
        }
    }

    /// A replica still collecting VIEW-CHANGEs for a view this one already left gets this one's
    /// VIEW-CHANGE for that view again. It was sent once and may have been lost; the replicas
    /// that moved on only repeat their latest, so those left behind could wait for good short of
    /// a quorum while too few moved on for them to join (simulator seed 3 of n = 7: four
    /// validators in view 5, two in view 6). Castro–Liskov assume links that retransmit until
    /// delivered; this is that retransmission, on demand. The very message sent before, so it
    /// contradicts nothing; at most once per view timeout per sender.
    mutating func answerStaleViewChange(_ target: UInt64, from sender: UInt16) {
        guard sender != selfIndex, let change = earlierViewChanges[target] ?? (ownViewChange?.newView == target ? ownViewChange : nil),
              votingFloor?.forbids(.viewChange(change)) != true,
              viewChangeAnswers.spend(for: sender, atTick: tickCount, periodTicks: UInt64(parameters.viewTimeoutTicks)) else { return }
        output.messages.append(OutboundMessage(destination: .replica(sender), message: .viewChange(change)))
        counters.viewChangeAnswers += 1
    }

    /// The prepared certificates and checkpoint a VIEW-CHANGE carries all verify.
    func isValid(_ change: ViewChange) -> Bool {
        if let checkpoint = change.checkpoint, !isValidCheckpointCertificate(checkpoint) { return false }
        let base = change.checkpointHeight
        for certificate in change.prepared {
            guard certificate.height > base, certificate.height <= base + UInt64(parameters.watermarkWindow),
                  certificate.view < change.newView else { return false }
            let digest = VoteDigest.compute(
                kind: .prepare, chainID: config.chainID, genesisHash: config.genesisHash, view: certificate.view,
                height: certificate.height, digest: certificate.blockHash)
            guard hasQuorum(certificate.signatures, digest: digest) else { return false }
        }
        return true
    }

    /// The new primary sends NEW-VIEW once it holds a quorum of VIEW-CHANGEs for its view.
    mutating func tryNewView() {
        guard isViewChanging, isPrimary, !newViewSent, let changes = viewChanges[view], changes.count >= config.quorum else { return }
        let chosen = changes.keys.sorted().prefix(config.quorum).map { changes[$0]! }
        let decided = Replica.decide(chosen.compactMap(\.viewChange))
        newViewSent = true
        let newView = NewView(view: view, viewChanges: chosen, reproposals: decided.reproposals)
        sentNewView = newView
        send(.newView(newView))
    }

    /// What a set of VIEW-CHANGEs implies: the highest stable checkpoint, and from just
    /// above it the contiguous run of heights with a prepared certificate, each taking the
    /// highest view's digest. (A height without one ends the run: a block above a gap
    /// cannot have committed, because its committers prepared every block below it.)
    static func decide(_ changes: [ViewChange]) -> (checkpoint: CheckpointCertificate?, reproposals: [Reproposal]) {
        let checkpoint = changes.compactMap(\.checkpoint).max { $0.height < $1.height }
        var best: [UInt64: PreparedCertificate] = [:]
        for change in changes {
            for certificate in change.prepared {
                if let current = best[certificate.height],
                   (current.view, current.blockHash) >= (certificate.view, certificate.blockHash) { continue }
                best[certificate.height] = certificate
            }
        }
        var reproposals: [Reproposal] = []
        var height = (checkpoint?.height ?? 0) + 1
        while let certificate = best[height], reproposals.count < ConsensusLimits.preparedCertificatesMax {
            reproposals.append(Reproposal(height: height, blockHash: certificate.blockHash))
            height += 1
        }
        return (checkpoint, reproposals)
    }

    mutating func onNewView(_ newView: NewView, envelope: SignedEnvelope) {
        let target = newView.view
        guard envelope.sender == config.primary(of: target) else { return drop(.notFromPrimary) }
        guard target > view || (target == view && isViewChanging) else { return drop(.staleView) }
        var senders = Set<UInt16>()
        var changes: [ViewChange] = []
        for inner in newView.viewChanges {
            guard Int(inner.sender) < config.count, senders.insert(inner.sender).inserted,
                  case .viewChange(let change) = inner.message, change.newView == target else { return drop(.invalidContent) }
            let digest = inner.message.signingDigest(chainID: config.chainID, genesisHash: config.genesisHash)
            guard config.verifier.isValidSignature(inner.signature, digest: digest, publicKey: config.validators.keys[Int(inner.sender)]),
                  isValid(change) else { return drop(.invalidContent) }
            changes.append(change)
        }
        guard senders.count >= config.quorum else { return drop(.invalidContent) }
        let decided = Replica.decide(changes)
        guard decided.reproposals == newView.reproposals else { return drop(.invalidContent) }
        install(newView, envelope: envelope, checkpoint: decided.checkpoint)
    }

    /// Enters the new view: re-proposals become this view's accepted proposals, durably.
    mutating func install(_ newView: NewView, envelope: SignedEnvelope, checkpoint: CheckpointCertificate?) {
        view = newView.view
        isViewChanging = false
        slots = [:]
        installedNewView = newView
        boundReproposals = (view, newView.reproposals)
        if let ownViewChange { keepEarlier(ownViewChange) }
        ownViewChange = nil
        relayedToPrimary = false
        counters.newViewsInstalled += 1
        output.journalAppends.append(JournalRecord.view(view, changing: false).encoded)
        output.journalAppends.append(JournalRecord.installed(view: view, reproposals: newView.reproposals).encoded)
        timerDeadlineTick = nil
        viewChanges = viewChanges.filter { $0.key > view }
        if let checkpoint { adoptCheckpoint(checkpoint) }
        bindReproposals(requestingBodiesFrom: newView.viewChanges.map(\.sender))
        if !isPrimary, !mempool.isEmpty {
            let batch = Array(mempool.ordered.prefix(ConsensusLimits.forwardTransactionsMax))
            send(.forward(batch), to: .replica(config.primary(of: view)))
        }
        replayBuffered()
    }

    /// The installed NEW-VIEW's re-proposals are this view's proposals at their heights, also
    /// above the high watermark (they are PREPAREd once the window reaches them, and `propose`
    /// starts above every slot, so the primary can never propose another block there).
    mutating func bindReproposals(requestingBodiesFrom providers: [UInt16]) {
        guard let boundReproposals, boundReproposals.view == view else { return }
        for reproposal in boundReproposals.reproposals where reproposal.height > lowWatermark {
            if slots[reproposal.height]?.blockHash != reproposal.blockHash {
                slots[reproposal.height] = Slot(blockHash: reproposal.blockHash)
            }
            sentVotes[SentKey(kind: .prePrepare, view: view, height: reproposal.height)] = reproposal.blockHash
            if blocks[reproposal.blockHash] == nil, reproposal.height > committedHeight {
                requestBody(reproposal.blockHash, from: providers)
            }
        }
    }

    /// Bodies of blocks this replica neither PREPAREd, committed nor proposed go with the slots
    /// of the view they were proposed in (a faulty primary's proposals would otherwise pile up).
    /// A body it PREPAREd stays even without a prepared certificate here: another replica's
    /// certificate may get it re-proposed, and only its honest signers can hand it out.
    mutating func pruneUnpreparedBodies() {
        var kept = Set(preparedCertificates.values.map(\.blockHash)).union(preparedVoteDigests)
        for certificate in commitCertificates.values { kept.insert(certificate.blockHash) }
        for message in sentMessages.values {
            if case .prePrepare(let sent) = message { kept.insert(sent.block.hash) }
        }
        blocks = blocks.filter { $0.value.height <= committedHeight || kept.contains($0.key) }
        blockValidity = blockValidity.filter { blocks[$0.key] != nil }
    }
}

extension SignedEnvelope {
    var messageView: UInt64? {
        switch message {
        case .prePrepare(let p): p.view
        case .prepare(let v), .commit(let v): v.view
        default: nil
        }
    }

    var viewChange: ViewChange? {
        if case .viewChange(let change) = message { return change }
        return nil
    }
}
