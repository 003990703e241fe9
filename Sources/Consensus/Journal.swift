import LedgerCore
import LedgerCrypto

/// One durable journal record. Storage keeps the encoded bytes without understanding them;
/// the host appends a step's records before it sends that step's messages, so after a
/// crash the replica knows every vote it may have sent and never contradicts one.
enum JournalRecord: Equatable, Sendable {
    static let formatVersion: UInt8 = 1
    /// The current view, and whether the replica was changing into it.
    case view(UInt64, changing: Bool)
    /// A message about to be sent.
    case sent(ConsensusMessage)
    /// A prepared certificate (and its block), recorded before the COMMIT that follows it.
    case prepared(PreparedCertificate, Block?)
    case stable(CheckpointCertificate)
    /// The re-proposals of the NEW-VIEW this replica installed for `view`: they bind (view,
    /// height) to a digest just as a PREPARE does (Castro–Liskov log NEW-VIEW's pre-prepares), so
    /// they must outlive a restart or a rolling restart across a view change can fork.
    case installed(view: UInt64, reproposals: [Reproposal])
    /// The body of a block, recorded before this replica's first PREPARE for it: every honest
    /// signer of a prepared certificate can then hand out the body, also after a restart, so a
    /// re-proposal of it can always be fetched from an honest replica.
    case body(Block)
    /// The restart found the journal behind the host's high-water mark (a rolled-back data
    /// directory): no vote at or below this point, also after later restarts.
    case floor(VotingHighWater)

    var encoded: [UInt8] { canonicalBytes }
}

extension JournalRecord: CanonicalCodable {
    func encode(to writer: inout CanonicalWriter) {
        writer.write(JournalRecord.formatVersion)
        switch self {
        case .view(let view, let changing):
            writer.write(UInt8(1))
            writer.write(view)
            writer.write(changing)
        case .sent(let message):
            writer.write(UInt8(2))
            writer.write(message)
        case .prepared(let certificate, let block):
            writer.write(UInt8(3))
            writer.write(certificate)
            writer.write(block)
        case .stable(let certificate):
            writer.write(UInt8(4))
            writer.write(certificate)
        case .installed(let view, let reproposals):
            writer.write(UInt8(5))
            writer.write(view)
            writer.write(reproposals, maximum: ConsensusLimits.preparedCertificatesMax)
        case .body(let block):
            writer.write(UInt8(6))
            writer.write(block)
        case .floor(let mark):
            writer.write(UInt8(7))
            writer.write(mark.view)
            writer.write(mark.height)
        }
    }

    init(from reader: inout CanonicalReader) throws(CodecError) {
        let version = try reader.readUInt8("journal version")
        guard version == JournalRecord.formatVersion else { throw .unsupportedVersion(type: "journal record", version: version) }
        let tag = try reader.readUInt8("journal tag")
        switch tag {
        case 1: self = .view(try reader.readUInt64("view"), changing: try reader.readBool("changing"))
        case 2: self = .sent(try reader.read(ConsensusMessage.self))
        case 3: self = .prepared(try reader.read(PreparedCertificate.self), try reader.readOptional(Block.self, "block"))
        case 4: self = .stable(try reader.read(CheckpointCertificate.self))
        case 5:
            self = .installed(
                view: try reader.readUInt64("view"),
                reproposals: try reader.readArray(of: Reproposal.self, maximum: ConsensusLimits.preparedCertificatesMax, "reproposals"))
        case 6: self = .body(try reader.read(Block.self))
        case 7: self = .floor(VotingHighWater(view: try reader.readUInt64("floor view"), height: try reader.readUInt64("floor height")))
        default: throw .unknownTag(type: "journal record", tag: tag)
        }
    }
}

extension Replica {
    /// The whole journal as it should be after a stable checkpoint: the view, the
    /// checkpoint, and what was sent or prepared above it. Replaces the old records.
    func journalSnapshot() -> [[UInt8]] {
        var records: [JournalRecord] = [.view(view, changing: isViewChanging)]
        if let stableCertificate { records.append(.stable(stableCertificate)) }
        for height in preparedCertificates.keys.sorted() {
            let certificate = preparedCertificates[height]!
            records.append(.prepared(certificate, blocks[certificate.blockHash]))
        }
        let preparedDigests = Set(preparedCertificates.values.map(\.blockHash))
        for digest in Set(preparedVoteDigests).subtracting(preparedDigests).sorted() {
            if let block = blocks[digest] { records.append(.body(block)) }
        }
        let keys = sentMessages.keys.sorted { ($0.height, $0.view, $0.kind.rawValue) < ($1.height, $1.view, $1.kind.rawValue) }
        for key in keys { records.append(.sent(sentMessages[key]!)) }
        if let ownViewChange { records.append(.sent(.viewChange(ownViewChange))) }
        if let installedNewView, isPrimary { records.append(.sent(.newView(installedNewView))) }
        if let sentNewView, sentNewView.view == view, sentNewView != installedNewView || !isPrimary {
            records.append(.sent(.newView(sentNewView)))
        }
        if !isViewChanging, let boundReproposals {
            records.append(.installed(view: boundReproposals.view, reproposals: boundReproposals.reproposals.filter { $0.height > lowWatermark }))
        }
        // In a later view nothing at or below the floor can be sent any more.
        if let votingFloor, view <= votingFloor.view { records.append(.floor(votingFloor)) }
        return records.map(\.encoded)
    }

    /// Rebuilds the replica after a crash from the host's durable state.
    mutating func restore(from recovery: Recovery) {
        for header in recovery.committedHeaders {
            committedHashes[header.height] = header.hash
            committedTimestamps[header.height] = header.timestampMillis
            committedHeight = max(committedHeight, header.height)
            if header.transactionCount > 0 { lastBusyHeight = max(lastBusyHeight, header.height) }
        }
        rememberCommitted(recovery.committedTransactionIDs)
        for result in recovery.executions {
            executions[result.height] = result
            executedHeight = max(executedHeight, result.height)
        }
        var unreadable = 0
        for bytes in recovery.journal {
            guard let record = try? JournalRecord(canonicalBytes: bytes) else {
                drop(.invalidContent)
                unreadable += 1
                continue
            }
            apply(record)
        }
        counters.unreadableJournalRecords += unreadable
        if let stableCertificate, stableCertificate.height <= committedHeight { lowWatermark = stableCertificate.height }
        checkHighWater(recovery.highWater, journalDamaged: unreadable > 0)
        // The installed NEW-VIEW's re-proposals bind their heights first; then the votes this
        // replica sent in the current view say how far each slot got.
        if boundReproposals?.view != view || isViewChanging { boundReproposals = nil }
        if boundReproposals != nil { bindReproposals(requestingBodiesFrom: config.validators.keys.indices.map { UInt16($0) }) }
        for (key, message) in sentMessages.sorted(by: { $0.key.height < $1.key.height })
        where key.view == view && key.height > lowWatermark && key.kind != .checkpoint {
            let digest = Replica.votedDigest(message)
            var slot = slots[key.height] ?? Slot(blockHash: digest)
            guard slot.blockHash == digest else { continue }
            if key.kind == .prepare { slot.prepareSent = true }
            if key.kind == .commit { slot.commitSent = true }
            slots[key.height] = slot
        }
        if isViewChanging {
            if ownViewChange?.newView != view {
                ownViewChange = ViewChange(newView: view, checkpoint: stableCertificate, prepared: viewChangeCertificates())
            }
        } else {
            ownViewChange = nil
        }
        if installedNewView?.view != view || isViewChanging { installedNewView = nil }
        // A primary that sent NEW-VIEW for this view but had not installed it yet sends the very
        // same one again: building another from other VIEW-CHANGEs could re-propose differently.
        if isViewChanging, isPrimary, let sentNewView, sentNewView.view == view {
            newViewSent = true
            output.messages.append(OutboundMessage(destination: .broadcast, message: .newView(sentNewView)))
        } else {
            sentNewView = nil
        }
        lastProgressTick = tickCount
        // Changing to a view at or below the floor, or active in one where the floor forbids every
        // vote, this replica can never help that view on: it complains about the first view above
        // the floor at once. A primary has no view timer, so one restored into an old view of its
        // own would otherwise wait there for good (simulator seed 5265 of n = 4).
        if let votingFloor, view <= votingFloor.view, isViewChanging || votingFloor.forbidsEveryVote(inView: view) {
            counters.viewsLeftBelowFloor += 1
            startViewChange(to: votingFloor.view + 1)
        }
    }

    private mutating func apply(_ record: JournalRecord) {
        switch record {
        case .view(let recordedView, let changing):
            if recordedView >= view {
                view = recordedView
                isViewChanging = changing
            }
        case .sent(let message):
            if case .newView(let newView) = message, newView.view >= (installedNewView?.view ?? 0) {
                installedNewView = newView
                sentNewView = newView
            }
            if case .viewChange(let change) = message, change.newView >= (ownViewChange?.newView ?? 0) { ownViewChange = change }
            guard let key = Replica.sentKey(message) else { return }
            sentVotes[key] = Replica.votedDigest(message)
            sentMessages[key] = message
            if case .prePrepare(let p) = message {
                blocks[p.block.hash] = p.block
                blockValidity[p.block.hash] = true
            }
        case .prepared(let certificate, let block):
            if let existing = preparedCertificates[certificate.height], existing.view >= certificate.view { return }
            preparedCertificates[certificate.height] = certificate
            if let block, block.hash == certificate.blockHash { storeBody(block) }
        case .stable(let certificate):
            if certificate.height > (stableCertificate?.height ?? 0) { stableCertificate = certificate }
        case .body(let block):
            storeBody(block)
        case .installed(let installedView, let reproposals):
            if installedView >= (boundReproposals?.view ?? 0) { boundReproposals = (installedView, reproposals) }
        case .floor(let mark):
            votingFloor = max(votingFloor ?? mark, mark)
        }
    }

    /// The furthest point the restored journal shows this replica signed at: the journal keeps
    /// every vote above the stable checkpoint and the view it was in, so everything it ever
    /// signed is at or below this point — unless the journal is an older copy.
    var journalHighWater: VotingHighWater {
        var mark = VotingHighWater(view: view, height: stableCertificate?.height ?? 0)
        // The votes, and the NEW-VIEW and VIEW-CHANGE the journal shows this replica sent.
        let viewMessages = [sentNewView.map(ConsensusMessage.newView), ownViewChange.map(ConsensusMessage.viewChange)].compactMap { $0 }
        for message in Array(sentMessages.values) + viewMessages {
            if let sent = VotingHighWater.mark(of: message), sent > mark { mark = sent }
        }
        if let votingFloor, votingFloor > mark { mark = votingFloor }
        return mark
    }

    /// A host's mark beyond what the journal shows means the data directory was rolled back:
    /// this replica may have voted where its journal is silent, so it votes nowhere at or below
    /// the mark, durably (a `.floor` record). A journal with an unreadable record (torn, corrupt)
    /// may have lost any vote, or a NEW-VIEW's bindings: then nothing is voted in any view up to
    /// the highest known, at any height, until the next view change.
    private mutating func checkHighWater(_ hostMark: VotingHighWater?, journalDamaged: Bool) {
        let journalMark = journalHighWater
        let known = max(journalMark, hostMark ?? journalMark)
        highWater = known
        let floor: VotingHighWater
        if journalDamaged {
            floor = VotingHighWater(view: known.view, height: UInt64.max)
        } else {
            guard let hostMark, hostMark > journalMark else { return }
            counters.rollbacksDetected += 1
            floor = hostMark
        }
        votingFloor = max(votingFloor ?? floor, floor)
        output.journalAppends.append(JournalRecord.floor(floor).encoded)
    }
}
