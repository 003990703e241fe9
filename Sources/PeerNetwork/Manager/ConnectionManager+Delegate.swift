import Logging
import NIOCore

/// What connections report: counted, logged, and turned into link changes and events.
extension ConnectionManager: PeerConnectionDelegate {
    func connection(_ connection: PeerConnection, receivedFrameBytes byteCount: Int) {
        counters.framesIn += 1
        counters.bytesIn += UInt64(byteCount)
    }

    func connection(_ connection: PeerConnection, sentFrameBytes byteCount: Int) {
        counters.framesOut += 1
        counters.bytesOut += UInt64(byteCount)
    }

    func connection(_ connection: PeerConnection, admit peerIndex: Int) -> AdmissionDecision {
        guard lifecycle == .running else { return .refuse(reason: "this node is shutting down") }
        if let left = suspensionLeft(peerIndex) {
            return .refuse(reason: "suspended by this node for \(left / 1_000_000_000 + 1) s more: \(links[peerIndex].suspensionReason ?? "misbehaviour")")
        }
        guard let existing = links[peerIndex].active else { return .accept }
        if prefers(connection, over: existing) { return .accept }
        counters.duplicateConnections += 1
        let keptInitiator = existing.initiatorIndex(localIndex: localIndex).map(String.init) ?? "?"
        logger.debug("closing duplicate \(connection.logDescription): keeping the link validator \(keptInitiator) initiated")
        return .refuse(reason: "duplicate connection: validators \(localIndex) and \(peerIndex) keep the link validator \(keptInitiator) initiated")
    }

    func connectionEstablished(_ connection: PeerConnection) {
        guard let index = connection.peerIndex else { preconditionFailure("established only after admission sets peerIndex") }
        gate.finished(connection.id)
        if links[index].dialConnectionID == connection.id {
            links[index].isDialing = false
            links[index].dialConnectionID = nil
        }
        links[index].dialTask?.cancel()
        links[index].dialTask = nil
        links[index].failures = 0
        counters.linksEstablished += 1
        let replaced = links[index].active
        links[index].active = connection
        let address = "\(links[index].identity.host):\(links[index].identity.port)"
        let direction = connection.direction == .outbound ? "outbound" : "inbound from \(connection.remoteAddress)"
        if let replaced {
            logger.info("validator \(index): \(connection.logDescription) replaces #\(replaced.id) (simultaneous dial or redial)")
            retire(replaced)
        } else {
            if links[index].everConnected { counters.reconnects += 1 }
            links[index].everConnected = true
            logger.info("connected to validator \(index) at \(address) (\(direction), connection #\(connection.id))")
            eventContinuation.yield(.connected(validatorIndex: index, remoteAddress: connection.remoteAddress))
        }
        drain(index)
    }

    func connectionSuperseded(_ connection: PeerConnection) {
        guard let index = connection.peerIndex else { preconditionFailure("superseded only after admission sets peerIndex") }
        if links[index].dialConnectionID == connection.id {
            links[index].isDialing = false
            links[index].dialConnectionID = nil
        }
        retire(connection)
        scheduleDial(index)
    }

    func connection(_ connection: PeerConnection, received message: [UInt8]) {
        guard let index = connection.peerIndex else { return }
        counters.messagesIn += 1
        // Each peer's share of the queue is bounded in bytes (attack F3: 4 MiB messages from a
        // faulty validator piled up in memory while the node was busy).
        guard inboundBudget.reserve(message.count, from: index) else {
            counters.inboundBytesDrops += 1
            if peersOverInboundBudget.insert(index).inserted {
                logger.warning("validator \(index) has \(inboundBudget.perPeerMaxBytes >> 20) MiB of messages waiting for this node: dropping its new messages until the node catches up")
            }
            return
        }
        if inboundBudget.queuedBytes(from: index) <= inboundBudget.perPeerMaxBytes / 2 { peersOverInboundBudget.remove(index) }
        switch messageContinuation.yield(InboundMessage(sender: index, payload: message)) {
        case .enqueued:
            isDroppingInbound = false
        case .dropped:
            inboundBudget.release(message.count, from: index)
            counters.inboundDrops += 1
            if !isDroppingInbound {
                isDroppingInbound = true
                logger.warning("inbound queue full (\(configuration.inboundQueueMaxMessages) messages): dropping new messages until the node catches up")
            }
        case .terminated:
            break
        @unknown default:
            break
        }
    }

    func connectionWritabilityChanged(_ connection: PeerConnection) {
        guard let index = connection.peerIndex, links[index].active === connection else { return }
        drain(index)
    }

    func connection(_ connection: PeerConnection, failed failure: ConnectionFailure) {
        let subject = connection.logDescription
        switch failure {
        case .handshake(.refusedByPeer(let reason)):
            if let index = connection.dialedIndex, links[index].active != nil {
                logger.debug("\(subject): peer kept another link (\(reason))")
            } else {
                counters.handshakeFailures += 1
                logger.warning("\(subject): handshake refused by the peer: \(reason)")
            }
        case .handshake(let error):
            counters.handshakeFailures += 1
            if connection.direction == .inbound {
                // Anyone can dial in and fail: rate-limited (attack F8, a log flood).
                logLimited("inbound-handshake-\(error.kind)") { "refused handshake on \(subject): \(error)\($0)" }
            } else {
                logger.warning("handshake with \(subject) failed: \(error)")
            }
        case .framing, .malformedFrame, .protocolViolation:
            counters.protocolViolations += 1
            if connection.isEstablished {
                logger.warning("closing \(subject): \(failure)")
            } else {
                logLimited("unauthenticated-violation") { "closing \(subject): \(failure)\($0)" }
            }
        case .idle:
            counters.idleTimeouts += 1
            logger.warning("closing \(subject): \(failure)")
        case .peerGoodbye, .transport:
            logger.info("\(subject): \(failure)")
        }
    }

    func connectionClosed(_ connection: PeerConnection) {
        openConnections[connection.id] = nil
        gate.finished(connection.id)
        if let dialed = connection.dialedIndex, !connection.isEstablished {
            outboundEndedBeforeEstablished(connection, index: dialed)
        }
        let index = connection.peerIndex ?? connection.dialedIndex
        guard let index else { return }
        links[index].retiring.removeAll { $0 === connection }
        if links[index].active === connection {
            links[index].active = nil
            counters.linksLost += 1
            let reason = connection.closeReason ?? "connection closed"
            if lifecycle == .running {
                logger.warning("lost link to \(links[index].identity): \(reason)")
            }
            eventContinuation.yield(.disconnected(validatorIndex: index, reason: reason))
        }
        scheduleDial(index)
    }

    /// Stops sending on a replaced link, lets it flush, and half-closes it; the handler
    /// closes it fully when the peer half-closes too (or the timeout does).
    func retire(_ connection: PeerConnection) {
        guard let index = connection.peerIndex else { return }
        connection.isRetired = true
        connection.closeReason = "replaced by a better link to validator \(index)"
        links[index].retiring.append(connection)
        let channel = connection.channel
        channel.close(mode: .output, promise: nil)
        loop.scheduleTask(in: TimeAmount(configuration.retireTimeout)) {
            channel.close(promise: nil)
        }
    }
}
