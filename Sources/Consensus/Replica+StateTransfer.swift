import LedgerCore
import LedgerCrypto

/// State transfer: started only on a valid commit certificate (a quorum of COMMITs this replica
/// verified) or f+1 matching CHECKPOINTs above the high watermark. Fetches bounded ranges
/// of committed blocks with certificates from one peer at a time, checks every certificate
/// and parent link, and moves to the next peer on a bad answer or a timeout.
extension Replica {
    static let stateTransferAttemptsMax = 16

    mutating func startStateTransfer(to targetHeight: UInt64) {
        guard targetHeight > committedHeight else { return }
        if var transfer {
            transfer.targetHeight = max(transfer.targetHeight, targetHeight)
            self.transfer = transfer
            return
        }
        counters.stateTransfersStarted += 1
        transferAttempts = 0
        transfer = TransferState(targetHeight: targetHeight, peer: nextPeer(after: selfIndex), deadlineTick: 0)
        requestRange()
    }

    func nextPeer(after peer: UInt16) -> UInt16 {
        var candidate = (Int(peer) + 1) % config.count
        if candidate == Int(selfIndex) { candidate = (candidate + 1) % config.count }
        return UInt16(candidate)
    }

    mutating func requestRange() {
        guard var transfer else { return }
        let from = committedHeight + 1
        let to = min(transfer.targetHeight, committedHeight + Replica.stateTransferRangeMax)
        transfer.deadlineTick = tickCount + UInt64(parameters.viewTimeoutTicks)
        self.transfer = transfer
        output.stateTransferRequests.append(StateTransferRequest(peer: transfer.peer, fromHeight: from, toHeight: to))
    }

    mutating func switchPeer() {
        guard var transfer else { return }
        transferAttempts += 1
        guard transferAttempts < Replica.stateTransferAttemptsMax else {
            self.transfer = nil
            return
        }
        counters.stateTransferPeerSwitches += 1
        transfer.peer = nextPeer(after: transfer.peer)
        self.transfer = transfer
        requestRange()
    }

    mutating func stateTransferTick() {
        if let transfer, tickCount >= transfer.deadlineTick { switchPeer() }
        // Stalled below a height this replica holds a commit certificate for: catch up.
        if transfer == nil, let highest = commitCertificates.keys.max(), highest > committedHeight,
           tickCount > lastProgressTick + UInt64(parameters.viewTimeoutTicks) {
            lastProgressTick = tickCount
            startStateTransfer(to: highest)
        }
    }

    mutating func onStateTransfer(_ response: StateTransferResponse) {
        guard let transfer else { return takeCertifiedBlocks(response) }
        guard response.peer == transfer.peer else { return drop(.unsolicited) }
        var progressed = false
        for entry in response.entries.prefix(Int(Replica.stateTransferRangeMax)) {
            guard isValidTransferEntry(entry) else {
                drop(.invalidStateTransfer)
                break
            }
            commit(entry.block, certificate: entry.certificate)
            progressed = true
        }
        guard let current = self.transfer else { return }
        if progressed && committedHeight < current.targetHeight {
            transferAttempts = 0
            requestRange()
        } else if !progressed {
            switchPeer()
        }
    }

    /// Blocks a peer sent without a transfer under way — the answer to the host's question to a
    /// peer that just connected, "anything after my height?" (a replica restarted on an idle
    /// network would otherwise learn of the blocks it missed only when the next ones commit).
    /// Each is checked as in a transfer (next height, parent, a valid commit certificate), so
    /// only certified blocks are taken; anything else is dropped as unsolicited. The host passes
    /// on at most one such answer per peer it asked (`ValidatorNode.askForBlocksAfterOurs`).
    mutating func takeCertifiedBlocks(_ response: StateTransferResponse) {
        guard let first = response.entries.first, first.block.height == committedHeight + 1 else { return drop(.unsolicited) }
        var taken = 0
        for entry in response.entries.prefix(Int(Replica.stateTransferRangeMax)) {
            guard isValidTransferEntry(entry) else {
                drop(.invalidStateTransfer)
                return
            }
            commit(entry.block, certificate: entry.certificate)
            taken += 1
        }
        counters.certifiedBlocksTaken += taken
        // More than one range behind: the last block's certificate proves the height, and an
        // ordinary state transfer fetches the rest.
        if let last = response.entries.last, last.block.height > committedHeight, last.certificate.height == last.block.height,
           last.certificate.blockHash == last.block.hash,
           (try? last.certificate.verify(
               chainID: config.chainID, genesisHash: config.genesisHash, validators: config.validators, verifier: config.verifier)) != nil {
            startStateTransfer(to: last.block.height)
        }
    }

    func isValidTransferEntry(_ entry: CommittedBlock) -> Bool {
        let block = entry.block
        let certificate = entry.certificate
        guard block.height == committedHeight + 1, certificate.height == block.height, certificate.blockHash == block.hash,
              block.header.parentHash == lastCommittedHash, block.header.chainID == config.chainID,
              (try? block.validateStructure()) != nil else { return false }
        return (try? certificate.verify(
            chainID: config.chainID, genesisHash: config.genesisHash, validators: config.validators, verifier: config.verifier)) != nil
    }
}
