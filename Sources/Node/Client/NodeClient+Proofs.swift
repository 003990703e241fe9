import LedgerCore
import LedgerCrypto

extension NodeClient {
    /// `GET /v1/transactions/{id}/proof`: the proof bundle's canonical bytes and their decoding.
    /// Decoded, not verified: the caller verifies it against its own genesis.
    public func transactionProof(_ id: Digest) async throws(NodeClientError) -> (bytes: [UInt8], proof: TransactionProof) {
        let exchange = exchange()
        let reply = try await exchange.send(method: .GET, path: "/v1/transactions/\(id.hex)/proof", accept: "application/octet-stream")
        guard reply.status == 200, reply.contentType == "application/octet-stream" else { throw apiError(reply, exchange) }
        do {
            return (reply.body, try TransactionProof.decode(reply.body))
        } catch {
            throw .malformedResponse(endpoint: exchange.endpoint, reason: "the proof bundle does not decode: \(error)")
        }
    }
}
