import LedgerCore

extension NodeClient {
    /// The bytes of GET /v1/chain?from=&count= (layout: `ChainExport`), undecoded: the online
    /// audit decodes and checks them itself. The node may send fewer blocks than asked.
    public func chainExport(from: UInt64, count: Int) async throws(NodeClientError) -> [UInt8] {
        var client = self
        // One export holds up to 16 MiB, or one block of any size.
        client.responseSizeMaxBytes = max(responseSizeMaxBytes, 64 * 1_024 * 1_024)
        let exchange = client.exchange()
        let reply = try await exchange.send(method: .GET, path: "/v1/chain?from=\(from)&count=\(count)", accept: "application/octet-stream")
        guard reply.status == 200, reply.contentType == "application/octet-stream" else { throw apiError(reply, exchange) }
        return reply.body
    }
}
