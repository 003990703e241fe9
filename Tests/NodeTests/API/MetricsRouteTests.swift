import Hummingbird
import LedgerCore
import Node
import Testing

/// Samples of a Prometheus text exposition, `name{labels}` → value (comment lines skipped).
func prometheusSamples(_ text: String) -> [String: Double] {
    let pairs = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, Double)? in
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        return (String(line[..<space]), value)
    }
    return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
}

@Suite("API: /metrics")
struct MetricsRouteTests {
    @Test("GET /metrics serves every metric in the Prometheus text format, labelled with the node")
    func exposition() async throws {
        let service = try FakeNodeService()
        _ = await service.submit([try service.consortium.transfer(from: 0, nonce: 1)])
        let server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
        try await withRunningServer(server) { api in
            let response = try await send(api, .get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(decoding: response.body, as: UTF8.self)
            let samples = prometheusSamples(text)
            let node = #"{node="validator-0"}"#
            #expect(samples["greenledger_height\(node)"] == 1)
            #expect(samples["greenledger_committed_transactions_total\(node)"] == 3)
            #expect(samples["greenledger_view\(node)"] == 0)
            #expect(samples["greenledger_view_changes_total\(node)"] == 2)
            #expect(samples["greenledger_state_transfers_total\(node)"] == 1)
            #expect(samples["greenledger_mempool_transactions\(node)"] == 1)
            #expect((samples["greenledger_mempool_bytes\(node)"] ?? 0) > 100)
            #expect(samples["greenledger_peers_connected\(node)"] == 3)
            #expect(samples["greenledger_peers_expected\(node)"] == 3)
            #expect(samples[#"greenledger_peer_frames_dropped_total{node="validator-0",queue="send_queue"}"#] == 4)
            #expect(samples[#"greenledger_peer_frames_dropped_total{node="validator-0",queue="inbound"}"#] == 5)
            #expect(samples["greenledger_signature_checks_total\(node)"] == 6)
            #expect(samples["greenledger_signature_cache_hits_total\(node)"] == 7)
            #expect(samples["greenledger_block_commit_seconds_count\(node)"] == 1)
            #expect(samples[#"greenledger_block_commit_seconds_bucket{node="validator-0",le="0.025"}"#] == 0)
            #expect(samples[#"greenledger_block_commit_seconds_bucket{node="validator-0",le="0.05"}"#] == 1)
            #expect(samples[#"greenledger_block_commit_seconds_bucket{node="validator-0",le="+Inf"}"#] == 1)
            #expect(text.contains("# TYPE greenledger_committed_transactions_total counter"))
            #expect(text.contains("# TYPE greenledger_block_commit_seconds histogram"))
            #expect(text.contains("# HELP greenledger_height "))
        }
    }

    @Test("counters follow the totals they mirror, and start over if a total goes down")
    func countersFollowTotals() {
        let metrics = NodeMetrics(node: "n")
        var snapshot = MetricsSnapshot()
        snapshot.committedTransactions = 10
        metrics.update(snapshot)
        snapshot.committedTransactions = 25
        metrics.update(snapshot)
        let key = #"greenledger_committed_transactions_total{node="n"}"#
        #expect(prometheusSamples(String(decoding: metrics.exposition(), as: UTF8.self))[key] == 25)
        snapshot.committedTransactions = 4
        metrics.update(snapshot)
        #expect(prometheusSamples(String(decoding: metrics.exposition(), as: UTF8.self))[key] == 4)
    }
}
