extension NodeClient {
    /// `GET /metrics`: the node's Prometheus text exposition.
    public func metricsText() async throws(NodeClientError) -> String {
        let exchange = exchange()
        let reply = try await exchange.send(method: .GET, path: "/metrics", accept: "text/plain")
        guard reply.status == 200, reply.contentType?.hasPrefix("text/plain") == true else { throw apiError(reply, exchange) }
        return String(decoding: reply.body, as: UTF8.self)
    }
}
