import Consensus
import LedgerCore

extension ValidatorNode {
    public func metrics() async -> NodeMetrics {
        let peers = await network.counters()
        let mempoolCounters = await mempool.snapshot()
        var snapshot = MetricsSnapshot()
        snapshot.height = state.height
        snapshot.view = replica.view
        snapshot.committedTransactions = UInt64(counters.transactionsCommitted)
        snapshot.viewChanges = UInt64(replica.counters.viewChangesStarted)
        snapshot.stateTransfers = UInt64(replica.counters.stateTransfersStarted)
        snapshot.mempoolTransactions = mempoolCounters.size
        snapshot.mempoolBytes = mempoolCounters.bytes
        snapshot.peersConnected = peers.peers.filter(\.isConnected).count
        snapshot.peersExpected = genesis.validators.count - 1
        snapshot.framesDroppedSendQueue = peers.sendQueueDrops
        snapshot.framesDroppedInbound = peers.inboundDrops
        snapshot.peerRefusals = [
            "connection_rate": peers.connectionsRefused, "handshake_evicted": peers.handshakesEvicted,
            "handshake_failed": peers.handshakeFailures, "protocol_violation": peers.protocolViolations,
            "idle_timeout": peers.idleTimeouts, "duplicate_link": peers.duplicateConnections,
            "block_requests": counters.blockRequestsRefused, "inbound_share_full": peers.inboundBytesDrops,
            "suspended": peers.suspensions, "undecodable": UInt64(counters.peerMessagesUndecodable),
            "misattributed": UInt64(counters.peerMessagesMisattributed), "unsolicited_blocks": UInt64(counters.unsolicitedBlockResponses),
        ]
        snapshot.peerLogLinesSuppressed = peers.logLinesSuppressed + peerLogLimiter.suppressedTotal
        snapshot.signatureChecks = verifier.verificationCount
        snapshot.signatureCacheHits = verifier.hitCount
        for reason in DropReason.allCases { snapshot.consensusDrops[reason.name] = UInt64(replica.counters.dropped(reason)) }
        snapshot.equivocations = UInt64(replica.counters.evidenceCount)
        snapshot.evidence = counters.evidence
        snapshot.certifiedInvalidTransactions = UInt64(counters.certifiedInvalidTransactions)
        snapshot.transactionsReturnedToMempool = UInt64(counters.transactionsReturnedToMempool)
        metricsRegistry.update(snapshot)
        return metricsRegistry
    }

    /// Notes the first time this node sees a PRE-PREPARE for a height (a peer's, or its own
    /// proposal looped back), for the block-commit histogram.
    func noteProposal(_ event: ReplicaEvent) {
        guard case .message(let envelope) = event, case .prePrepare(let prePrepare) = envelope.message else { return }
        commitLatency.sawProposal(height: prePrepare.block.height, at: .now)
    }
}
