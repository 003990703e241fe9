import Consensus
import Prometheus
import Synchronization

/// One node's Prometheus metrics, in a registry of its own (never the process-global
/// `MetricsSystem`: tests run several nodes in one process). Gauges and counters are brought
/// up to date from a `MetricsSnapshot` at each scrape; the block-commit histogram is recorded
/// as blocks commit. Every series carries the label `node="<validator name>"`.
public final class NodeMetrics: Sendable {
    /// The exposition format's media type.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// Upper bounds of the block-commit histogram's buckets.
    public static let blockCommitBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private let registry: PrometheusCollectorRegistry
    private let node: String
    private let height: Gauge
    private let view: Gauge
    private let mempoolTransactions: Gauge
    private let mempoolBytes: Gauge
    private let peersConnected: Gauge
    private let peersExpected: Gauge
    private let committedTransactions: TotalCounter
    private let viewChanges: TotalCounter
    private let stateTransfers: TotalCounter
    private let framesDroppedSendQueue: TotalCounter
    private let framesDroppedInbound: TotalCounter
    private let signatureChecks: TotalCounter
    private let signatureCacheHits: TotalCounter
    private let blockCommit: DurationHistogram
    private let consensusDrops: [String: TotalCounter]
    private let peerRefusals: [String: TotalCounter]
    private let peerLogLinesSuppressed: TotalCounter
    /// Per validator and kind, made when first seen (validators are known only from genesis).
    private let evidence = Mutex<[EvidenceCountKey: TotalCounter]>([:])
    private let equivocations: TotalCounter
    private let certifiedInvalidTransactions: TotalCounter
    private let transactionsReturnedToMempool: TotalCounter
    private let apiConnectionsOpen: Gauge
    private let apiClosed: [String: TotalCounter]
    private let apiInvalidSignatureRefusals: TotalCounter

    public init(node: String) {
        let registry = PrometheusCollectorRegistry()
        let labels = [("node", node)]
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "greenledger", metricName: metric, unitName: unit, helpText: help)
        }
        func gauge(_ metric: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: name(metric, "", help), labels: labels)
        }
        func counter(_ metric: String, _ help: String, _ extra: [(String, String)] = []) -> TotalCounter {
            TotalCounter(registry.makeCounter(descriptor: name(metric, "total", help), labels: labels + extra))
        }
        self.registry = registry
        self.node = node
        height = gauge("height", "Height of the last committed block (0 = genesis only).")
        view = gauge("view", "The consensus view this node is in.")
        mempoolTransactions = gauge("mempool_transactions", "Transactions held in the mempool (pending and in flight).")
        mempoolBytes = gauge("mempool_bytes", "Canonical bytes of the transactions held in the mempool.")
        peersConnected = gauge("peers_connected", "Other validators this node has an authenticated link to.")
        peersExpected = gauge("peers_expected", "Other validators in the genesis (the most peers_connected can be).")
        committedTransactions = counter(
            "committed_transactions", "Transactions in blocks this node committed and stored since it started (failed ones included).")
        viewChanges = counter("view_changes", "View changes this node started since it started.")
        stateTransfers = counter("state_transfers", "State transfers (catch-up runs from peers) this node started.")
        let dropsHelp = "Peer frames dropped: a full per-peer send queue (send_queue) or an inbound backlog the node did not read in time (inbound)."
        framesDroppedSendQueue = counter("peer_frames_dropped", dropsHelp, [("queue", "send_queue")])
        framesDroppedInbound = counter("peer_frames_dropped", dropsHelp, [("queue", "inbound")])
        signatureChecks = counter(
            "signature_checks", "ECDSA signature verifications computed (transactions and votes; cache hits not counted).")
        signatureCacheHits = counter(
            "signature_cache_hits", "Signature checks answered from the verified-signature cache without ECDSA.")
        let dropHelp = "Consensus inputs this node's replica dropped, by reason (bad signatures, stale views, full buffers, rule-breaking transactions, …)."
        consensusDrops = Dictionary(uniqueKeysWithValues: DropReason.allCases.map { reason in
            (reason.name, counter("consensus_dropped", dropHelp, [("reason", reason.name)]))
        })
        let refusalHelp = "Connections and frames the peer layer refused or closed, by kind: connection_rate (a source dialing too fast), handshake_evicted (pending handshake closed for a newer one), handshake_failed, protocol_violation (bad or oversize frames), idle_timeout, duplicate_link, block_requests (a peer's state-transfer requests over its serving budget), inbound_share_full (a peer's messages dropped while its share of the inbound queue was full), suspended (validators cut off for forwarding invalid transactions), undecodable (a validator's messages that do not decode), misattributed (a validator's messages signed in another's name), unsolicited_blocks (blocks a validator sent unasked, outside a state transfer)."
        peerRefusals = Dictionary(uniqueKeysWithValues: MetricsSnapshot.peerRefusalKinds.map { kind in
            (kind, counter("peer_refused", refusalHelp, [("kind", kind)]))
        })
        peerLogLinesSuppressed = counter(
            "peer_log_lines_suppressed", "Peer-layer log lines held back by rate limiting (lines a stranger can trigger at will).")
        equivocations = counter("equivocations", "Two different signed votes from one validator for one kind, view and height (evidence of a faulty validator).")
        certifiedInvalidTransactions = counter(
            "certified_invalid_transactions", "Transactions in certified blocks that break the chain's rules; they failed and changed nothing. Nonzero means more than f validators are faulty.")
        transactionsReturnedToMempool = counter(
            "transactions_returned_to_mempool", "Accepted transactions the consensus mempool had no room for yet, kept pending and offered again.")
        apiConnectionsOpen = gauge("api_connections_open", "Client API connections open now.")
        let apiClosedHelp = "Client API connections the node closed or refused, by reason: header_timeout (a request head not complete in time), body_timeout, malformed (after its 400), tls_handshake_timeout (an HTTPS handshake not complete in time), per_source (a source holding its share of connections)."
        apiClosed = Dictionary(uniqueKeysWithValues: NodeMetrics.apiClosedReasons.map { reason in
            (reason, counter("api_connections_closed", apiClosedHelp, [("reason", reason)]))
        })
        apiInvalidSignatureRefusals = counter(
            "api_invalid_signature_refusals", "Submissions refused with 429 because their client spent its budget of invalid signatures.")
        blockCommit = registry.makeDurationHistogram(
            descriptor: name("block_commit", "seconds", "Seconds from this node first seeing a block's PRE-PREPARE to the block executed and stored."),
            labels: labels, buckets: NodeMetrics.blockCommitBuckets)
    }

    /// Brings gauges and counters to `snapshot`.
    public func update(_ snapshot: MetricsSnapshot) {
        height.set(to: Double(snapshot.height))
        view.set(to: Double(snapshot.view))
        mempoolTransactions.set(to: Double(snapshot.mempoolTransactions))
        mempoolBytes.set(to: Double(snapshot.mempoolBytes))
        peersConnected.set(to: Double(snapshot.peersConnected))
        peersExpected.set(to: Double(snapshot.peersExpected))
        committedTransactions.advance(to: snapshot.committedTransactions)
        viewChanges.advance(to: snapshot.viewChanges)
        stateTransfers.advance(to: snapshot.stateTransfers)
        framesDroppedSendQueue.advance(to: snapshot.framesDroppedSendQueue)
        framesDroppedInbound.advance(to: snapshot.framesDroppedInbound)
        signatureChecks.advance(to: snapshot.signatureChecks)
        signatureCacheHits.advance(to: snapshot.signatureCacheHits)
        for (reason, counter) in consensusDrops { counter.advance(to: snapshot.consensusDrops[reason] ?? 0) }
        for (kind, counter) in peerRefusals { counter.advance(to: snapshot.peerRefusals[kind] ?? 0) }
        peerLogLinesSuppressed.advance(to: snapshot.peerLogLinesSuppressed)
        equivocations.advance(to: snapshot.equivocations)
        for (key, total) in snapshot.evidence { evidenceCounter(key).advance(to: total) }
        certifiedInvalidTransactions.advance(to: snapshot.certifiedInvalidTransactions)
        transactionsReturnedToMempool.advance(to: snapshot.transactionsReturnedToMempool)
    }

    /// The reasons of `greenledger_api_connections_closed_total`.
    public static let apiClosedReasons = ["header_timeout", "body_timeout", "malformed", "tls_handshake_timeout", "per_source"]

    /// Brings the client API's connection figures to `snapshot` (the API server keeps them).
    public func updateAPI(_ snapshot: APIConnectionStats.Snapshot) {
        apiConnectionsOpen.set(to: Double(snapshot.open))
        let totals: [String: UInt64] = [
            "header_timeout": snapshot.headerTimeouts, "body_timeout": snapshot.bodyTimeouts, "malformed": snapshot.malformedRequests,
            "tls_handshake_timeout": snapshot.tlsHandshakeTimeouts, "per_source": snapshot.refusedPerSource,
        ]
        for (reason, counter) in apiClosed { counter.advance(to: totals[reason] ?? 0) }
        apiInvalidSignatureRefusals.advance(to: snapshot.invalidSignatureRefusals)
    }

    private func evidenceCounter(_ key: EvidenceCountKey) -> TotalCounter {
        evidence.withLock { counters in
            if let counter = counters[key] { return counter }
            let descriptor = MetricNameDescriptor(
                namespace: "greenledger", metricName: "evidence", unitName: "total",
                helpText: "Equivocations seen per validator and vote kind (two different signed votes for one view and height); GET /v1/evidence lists them.")
            let counter = TotalCounter(registry.makeCounter(
                descriptor: descriptor, labels: [("node", node), ("validator", key.validator), ("kind", key.kind)]))
            counters[key] = counter
            return counter
        }
    }

    /// Records one block's time from PRE-PREPARE seen to stored.
    public func recordBlockCommit(_ duration: Duration) { blockCommit.record(duration) }

    /// The Prometheus text exposition (version 0.0.4) of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// A Prometheus counter kept equal to a total counted elsewhere: it advances by the difference
/// since the last update (and starts over if the total ever goes down).
private final class TotalCounter: Sendable {
    private let counter: Counter
    private let exported = Mutex<UInt64>(0)

    init(_ counter: Counter) { self.counter = counter }

    func advance(to total: UInt64) {
        exported.withLock { exported in
            if total < exported {
                counter.reset()
                exported = 0
            }
            let step = total - exported
            if step > 0 { counter.increment(by: Int64(clamping: step)) }
            exported = total
        }
    }
}
