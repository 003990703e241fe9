import Hummingbird
import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("API: transaction proof bundles")
struct ProofRouteTests {
    let service: FakeNodeService
    let server: APIServer<FakeNodeService>

    init() throws {
        service = try FakeNodeService()
        server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
    }

    @Test("GET /v1/transactions/{id}/proof: 409 until the receipt's block commits, then the canonical bundle")
    func proofOfCommitted() async throws {
        try await withRunningServer(server) { api in
            let committed = service.committedTransactions[2]
            let early = try await send(api, .get, "/v1/transactions/\(committed.id.hex)/proof")
            #expect(early.status == .conflict)
            #expect(errorCode(early) == "receipt-not-certified")
            #expect(try decode(ErrorBody.self, early).error.message.contains("certified by block 2, not committed yet; retry shortly"))

            try service.append([try service.consortium.transfer(from: 0, nonce: 1)])
            let response = try await send(api, .get, "/v1/transactions/\(committed.id.hex)/proof")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/octet-stream")
            let proof = try TransactionProof.decode(response.body)
            #expect(proof.transaction.id == committed.id)
            #expect(proof.height == 1 && proof.position == 2 && proof.receiptHeader.height == 2)
            #expect(proof.canonicalBytes == response.body)
        }
    }

    @Test("GET /v1/transactions/{id}/proof: pending, unknown and malformed ids say so")
    func proofRefusals() async throws {
        try await withRunningServer(server) { api in
            let pending = try service.consortium.transfer(from: 0, nonce: 1)
            _ = await service.submit([pending])
            let notYet = try await send(api, .get, "/v1/transactions/\(pending.id.hex)/proof")
            #expect(notYet.status == .conflict)
            #expect(errorCode(notYet) == "not-committed")

            let unknown = try await send(api, .get, "/v1/transactions/\(Digest.zero.hex)/proof")
            #expect(unknown.status == .notFound)
            #expect(errorCode(unknown) == "unknown-transaction")

            let bad = try await send(api, .get, "/v1/transactions/12ab/proof")
            #expect(bad.status == .badRequest)
            #expect(errorCode(bad) == "invalid-transaction-id")
        }
    }

    @Test("NodeClient.transactionProof decodes the bundle and turns refusals into API errors")
    func client() async throws {
        try service.append([try service.consortium.transfer(from: 0, nonce: 1)])
        try await withRunningServer(server) { api in
            let client = NodeClient(host: "127.0.0.1", port: api.port)
            let id = service.committedTransactions[0].id
            let (bytes, proof) = try await client.transactionProof(id)
            #expect(proof.transaction.id == id && bytes == proof.canonicalBytes)
            await #expect(throws: NodeClientError.api(status: 404, code: "unknown-transaction", message: "this node has no transaction \(Digest.zero.hex), pending or committed")) {
                try await client.transactionProof(.zero)
            }
        }
    }
}
