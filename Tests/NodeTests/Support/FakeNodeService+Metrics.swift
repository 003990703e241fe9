import Node

extension FakeNodeService {
    /// Metrics from the fake's status, with known counter values and one block-commit sample,
    /// in a fresh registry per scrape.
    func metrics() async -> NodeMetrics {
        let status = await status()
        let metrics = NodeMetrics(node: status.nodeName)
        var snapshot = MetricsSnapshot()
        snapshot.height = status.height
        snapshot.view = status.view
        snapshot.committedTransactions = UInt64(committedTransactions.count)
        snapshot.viewChanges = 2
        snapshot.stateTransfers = 1
        snapshot.mempoolTransactions = status.mempoolSize
        snapshot.mempoolBytes = status.mempoolBytes
        snapshot.peersConnected = 3
        snapshot.peersExpected = 3
        snapshot.framesDroppedSendQueue = 4
        snapshot.framesDroppedInbound = 5
        snapshot.signatureChecks = 6
        snapshot.signatureCacheHits = 7
        metrics.update(snapshot)
        metrics.recordBlockCommit(.milliseconds(30))
        return metrics
    }
}
