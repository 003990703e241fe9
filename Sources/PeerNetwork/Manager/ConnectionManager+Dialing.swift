import Logging
import NIOCore
import NIOPosix

/// Dialing: every validator dials every other one it has no link to. The lower index dials
/// at once and the higher after `backoff.delayInitial`, so a simultaneous dial is rare;
/// when it happens, `prefers(_:over:)` picks the same survivor on both ends.
extension ConnectionManager {
    func scheduleDial(_ index: Int) {
        loop.assertInEventLoop()
        let link = links[index]
        guard lifecycle == .running, link.active == nil, !link.isDialing, link.dialTask == nil else { return }
        let delayNanoseconds: Int64
        if let left = suspensionLeft(index) {
            delayNanoseconds = Int64(clamping: left)
        } else if link.failures > 0 {
            delayNanoseconds = configuration.backoff.delayNanoseconds(failures: link.failures, using: &random)
        } else {
            delayNanoseconds = localIndex < index ? 0 : configuration.backoff.delayInitial.nanosecondsClamped
        }
        links[index].dialTask = loop.scheduleTask(in: .nanoseconds(delayNanoseconds)) { [self] in
            links[index].dialTask = nil
            dial(index)
        }
    }

    func dial(_ index: Int) {
        loop.assertInEventLoop()
        guard lifecycle == .running, links[index].active == nil, !links[index].isDialing else { return }
        if suspensionLeft(index) != nil { return scheduleDial(index) }
        let peer = links[index].identity
        counters.dialAttempts += 1
        if links[index].failures > 0 || links[index].everConnected { counters.reconnectAttempts += 1 }
        links[index].isDialing = true
        links[index].dialConnectionID = nil
        logger.debug("dialing \(peer) (attempt \(links[index].failures + 1))")
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelOption(ChannelOptions.writeBufferWaterMark, value: writeBufferWaterMark)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.installOutbound(channel, dialing: index) }
            }
        bootstrap.connect(host: peer.host, port: peer.port).whenComplete { [self] result in
            // Runs on `loop`: the bootstrap's group is this one loop.
            if case .failure(let error) = result { dialFailed(index, reason: "\(error)") }
        }
    }

    /// The TCP connect failed (refused, unreachable, timed out): back off and retry.
    func dialFailed(_ index: Int, reason: String) {
        loop.assertInEventLoop()
        guard links[index].isDialing else { return }
        links[index].isDialing = false
        links[index].dialConnectionID = nil
        links[index].failures += 1
        logDialFailure(index, reason: reason)
        scheduleDial(index)
    }

    /// The outbound connection closed before it was established (handshake failed or refused).
    func outboundEndedBeforeEstablished(_ connection: PeerConnection, index: Int) {
        guard links[index].isDialing, links[index].dialConnectionID == connection.id else { return }
        links[index].isDialing = false
        links[index].dialConnectionID = nil
        if links[index].active == nil {
            links[index].failures += 1
            logDialFailure(index, reason: connection.closeReason ?? "closed during the handshake")
        }
    }

    /// Every failure is logged at debug; the first, and then each doubling, at warning, so a
    /// peer that is down for an hour does not flood the log.
    private func logDialFailure(_ index: Int, reason: String) {
        let failures = links[index].failures
        let message: Logger.Message = "cannot reach \(links[index].identity): \(reason) (\(failures) consecutive failures; retrying with backoff)"
        if failures & (failures - 1) == 0 { logger.warning(message) } else { logger.debug(message) }
    }

    /// Whether `candidate` should replace `existing` as the link to the same validator.
    /// Both ends compute the same answer: the connection the lower index initiated wins;
    /// if both were initiated by the same side, that side redialed because it considers
    /// the old one dead, so the newer wins.
    func prefers(_ candidate: PeerConnection, over existing: PeerConnection) -> Bool {
        guard let candidateInitiator = candidate.initiatorIndex(localIndex: localIndex),
            let existingInitiator = existing.initiatorIndex(localIndex: localIndex),
            let peerIndex = candidate.peerIndex
        else { return false }
        if candidateInitiator == existingInitiator { return true }
        return candidateInitiator == min(localIndex, peerIndex)
    }
}
