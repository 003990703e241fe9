/// An aimed torn restart: a replica that has just entered a view change alone — the others
/// still active in the view it left — crashes at once, and the record of the view it entered is
/// torn while the VIEW-CHANGE it sent after it survives. A restart that trusted what it can read
/// would come back active in the view it abandoned, where the others still vote, and vote there
/// again (the `abandoned view` check). The host's high-water mark (the VIEW-CHANGE's view) is
/// above what the readable journal shows, so this one is refused on that ground too.
extension Simulation {
    func tearIfLoneViewChange(_ node: Int, viewBefore: (view: UInt64, changing: Bool)) {
        guard hazardTearsLeft > 0, !healed, !calm, nodes[node].isHonest, nodes[node].up, nodes[node].armedCrash == nil,
              downOrArmed < faultsTolerated else { return }
        let replica = nodes[node].replica
        guard replica.isViewChanging, replica.view > viewBefore.view else { return }
        let others = honestNodes.filter { $0 != node && nodes[$0].up }
        guard !others.isEmpty, others.allSatisfy({ !nodes[$0].replica.isViewChanging && nodes[$0].replica.view < replica.view }) else { return }
        guard let entered = nodes[node].journal.lastIndex(where: { bytes in
            (try? JournalRecord(canonicalBytes: bytes)) == .view(replica.view, changing: true)
        }) else { return }
        hazardTearsLeft -= 1
        result.aimedTornRestarts += 1
        trace.line("t=\(now) n\(node) left view \(viewBefore.view) alone: crash, its view record torn", keep: options.trace)
        // Back before the others are likely to have moved on.
        crash(node, at: .now, tearing: entered, restartWithinMillis: 800)
    }
}

/// An aimed torn VIEW-CHANGE: a replica that sent its VIEW-CHANGE for view w, and has since
/// taken a later stable checkpoint (the view change still waiting), crashes with the record of
/// that VIEW-CHANGE torn. The record of view w survives, so the host's high-water mark shows
/// nothing missing. A restart that trusts the rest builds its VIEW-CHANGE for w again — on the
/// newer checkpoint, a different message — and sends it: two VIEW-CHANGEs for one view.
extension Simulation {
    func tearViewChangeBehindCheckpoint(_ node: Int) {
        guard hazardViewChangeTearsLeft > 0, !healed, !calm, nodes[node].isHonest, nodes[node].up, nodes[node].armedCrash == nil,
              downOrArmed < faultsTolerated else { return }
        let replica = nodes[node].replica
        guard replica.isViewChanging, let sent = replica.ownViewChange, sent.newView == replica.view,
              sent.checkpoint?.height != replica.stableCertificate?.height else { return }
        guard let index = nodes[node].journal.lastIndex(where: { bytes in
            (try? JournalRecord(canonicalBytes: bytes)) == .sent(.viewChange(sent))
        }) else { return }
        hazardViewChangeTearsLeft -= 1
        result.aimedTornViewChanges += 1
        trace.line("t=\(now) n\(node) took checkpoint \(replica.stableCertificate?.height ?? 0) after its VIEW-CHANGE for view \(sent.newView): crash, that record torn", keep: options.trace)
        crash(node, at: .now, tearing: index, restartWithinMillis: 800)
    }
}

extension JournalRecord {
    /// The record's kind, for the trace.
    var kindName: String {
        switch self {
        case .view(let view, let changing): "view \(view)\(changing ? " changing" : "")"
        case .sent(let message): "sent \(message.kindName)"
        case .prepared: "prepared certificate"
        case .stable: "stable checkpoint"
        case .installed(let view, _): "NEW-VIEW bindings of view \(view)"
        case .body: "block body"
        case .floor: "voting floor"
        }
    }
}
