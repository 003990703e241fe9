import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("POST /v1/transactions/simulate")
struct SimulateRouteTests {
    let service: FakeNodeService
    let server: APIServer<FakeNodeService>

    init() throws {
        service = try FakeNodeService()
        server = APIServer(
            service: service, configuration: loopbackConfiguration(bodySizeMaxBytes: 64 * 1_024, batchTransactionsMax: 8),
            logger: quietAPILogger())
    }

    @Test("a batch gets the receipts it would get, in order — a forged signature is named — and nothing is admitted")
    func receiptsWithoutAdmission() async throws {
        try await withRunningServer(server) { api in
            let good = try service.consortium.transfer(from: 0, nonce: 1, amount: 600_000)
            let overdraw = try service.consortium.transfer(from: 0, nonce: 2, amount: 600_000)
            let forged = try service.consortium.forged(try service.consortium.transfer(from: 0, nonce: 3))
            let response = try await send(api, .post, "/v1/transactions/simulate", headers: binaryHeaders, body: batchBytes([good, overdraw, forged]))
            #expect(response.status == .ok)
            let body = try decode(SimulateResponseBody.self, response)
            #expect(body.results.map(\.id) == [good, overdraw, forged].map(\.id.hex))
            #expect(body.results.map(\.success) == [true, false, false])
            #expect(body.results.map { $0.failure?.code } == [nil, "insufficient-funds", "invalid-signature"])
            #expect(body.note.contains("pending transactions are not applied"))
            for transaction in [good, overdraw, forged] { #expect(await service.mempool.transaction(transaction.id) == nil) }
        }
    }

    @Test("a used nonce and a non-member are answered before any signature is checked")
    func cheapRefusalsFirst() async throws {
        try await withRunningServer(server) { api in
            let used = try service.consortium.forged(try service.consortium.transfer(from: 1, nonce: 1))  // nonce 1 of member 1 is committed
            let stranger = try service.consortium.transfer(signer: service.consortium.outsider, nonce: 1)
            let response = try await send(api, .post, "/v1/transactions/simulate", headers: binaryHeaders, body: batchBytes([used, stranger]))
            let body = try decode(SimulateResponseBody.self, response)
            #expect(body.results.map { $0.failure?.code } == ["bad-nonce", "not-a-member"])
            #expect(body.results[0].failure?.message.contains("already used") == true)
        }
    }

    @Test("undecodable bytes are a 400, as for a submission")
    func undecodable() async throws {
        try await withRunningServer(server) { api in
            let response = try await send(api, .post, "/v1/transactions/simulate", headers: binaryHeaders, body: [1, 2, 3])
            #expect(response.status == .badRequest)
            #expect(errorCode(response) == "invalid-transaction")
        }
    }
}
