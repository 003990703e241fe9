import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("POST /v1/transactions")
struct SubmitRouteTests {
    let service: FakeNodeService
    let server: APIServer<FakeNodeService>

    init() throws {
        service = try FakeNodeService(commitOnWait: true)
        server = APIServer(
            service: service, configuration: loopbackConfiguration(bodySizeMaxBytes: 64 * 1_024, batchTransactionsMax: 8),
            logger: quietAPILogger())
    }

    @Test("one transaction as canonical bytes is accepted")
    func binarySingle() async throws {
        try await withRunningServer(server) { api in
            let transaction = try service.consortium.transfer(from: 0, nonce: 1)
            let response = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: transaction.canonicalBytes)
            #expect(response.status == .ok)
            let body = try decode(SubmitResponseBody.self, response)
            #expect(body.results == [SubmissionResultBody(id: transaction.id.hex, status: "accepted")])
            #expect(await service.mempool.transaction(transaction.id) != nil)
        }
    }

    @Test("a canonical batch answers each transaction, rejections with a code and a message")
    func binaryBatch() async throws {
        try await withRunningServer(server) { api in
            let good = try service.consortium.transfer(from: 0, nonce: 1)
            let stale = try service.consortium.transfer(from: 1, nonce: 1, amount: 99)  // nonce 1 of member 1 is committed
            let response = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: batchBytes([good, stale]))
            let results = try decode(SubmitResponseBody.self, response).results
            #expect(results.map(\.status) == ["accepted", "rejected"])
            #expect(results[1].error?.code == "stale-nonce")
            #expect(results[1].error?.message.contains("use nonce 2") == true)
        }
    }

    @Test("JSON with one hex transaction or a batch is accepted; resubmission is a duplicate")
    func jsonBodies() async throws {
        try await withRunningServer(server) { api in
            let first = try service.consortium.transfer(from: 0, nonce: 1)
            let second = try service.consortium.transfer(from: 0, nonce: 2)
            let single = try await send(
                api, .post, "/v1/transactions", headers: [.contentType: "application/json; charset=utf-8"],
                body: try jsonBody(SubmitRequestBody(transaction: Hex.encode(first.canonicalBytes))))
            #expect(try decode(SubmitResponseBody.self, single).results.map(\.status) == ["accepted"])
            let batch = try await send(
                api, .post, "/v1/transactions", headers: jsonHeaders,
                body: try jsonBody(SubmitRequestBody(transactions: [first, second].map { Hex.encode($0.canonicalBytes) })))
            #expect(try decode(SubmitResponseBody.self, batch).results.map(\.status) == ["duplicate", "accepted"])
        }
    }

    @Test("wait=true returns the receipt, header, certificate and proof, which check out")
    func waitForCommit() async throws {
        try await withRunningServer(server) { api in
            let transaction = try service.consortium.transfer(from: 0, nonce: 1)
            let response = try await send(
                api, .post, "/v1/transactions?wait=true&timeoutMillis=2000", headers: binaryHeaders, body: transaction.canonicalBytes)
            let result = try #require(try decode(SubmitResponseBody.self, response).results.first)
            #expect(result.status == "accepted")
            let commit = try #require(result.commit)
            #expect(commit.status == "committed")
            #expect(commit.height == 2)
            #expect(commit.receipt?.failure?.code == "insufficient-funds")
            let checked = try commit.verifiableCommit()
            try checked.certificate.verify(chainID: service.genesis.chainID, genesisHash: service.genesis.hash, validators: service.genesis.validatorSet)
        }
    }

    @Test("bad hex, undecodable bytes and bad JSON are 400s naming the problem")
    func badInput() async throws {
        try await withRunningServer(server) { api in
            let badHex = try await send(api, .post, "/v1/transactions", headers: jsonHeaders, body: try jsonBody(SubmitRequestBody(transaction: "abc")))
            #expect(badHex.status == .badRequest)
            #expect(errorCode(badHex) == "invalid-hex")
            let notTransaction = try await send(
                api, .post, "/v1/transactions", headers: jsonHeaders, body: try jsonBody(SubmitRequestBody(transactions: ["00", "0102"])))
            #expect(errorCode(notTransaction) == "invalid-transaction")
            let garbage = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: [1, 2, 3, 4, 5])
            #expect(garbage.status == .badRequest)
            #expect(errorCode(garbage) == "invalid-transaction")
            let truncated = try service.consortium.transfer(from: 0, nonce: 1).canonicalBytes.dropLast()
            #expect(errorCode(try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: Array(truncated))) == "invalid-transaction")
            let notJSON = try await send(api, .post, "/v1/transactions", headers: jsonHeaders, body: Array("{".utf8))
            #expect(errorCode(notJSON) == "invalid-json")
            let both = try await send(
                api, .post, "/v1/transactions", headers: jsonHeaders, body: try jsonBody(SubmitRequestBody(transaction: "00", transactions: ["00"])))
            #expect(errorCode(both) == "invalid-request")
            let empty = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: [0, 0, 0, 0])
            #expect(errorCode(empty) == "empty-batch")
            let badWait = try await send(api, .post, "/v1/transactions?wait=maybe", headers: binaryHeaders, body: [1])
            #expect(errorCode(badWait) == "invalid-parameter")
        }
    }

    @Test("a wrong or missing content type is 415")
    func wrongContentType() async throws {
        try await withRunningServer(server) { api in
            let transaction = try service.consortium.transfer(from: 0, nonce: 1)
            let response = try await send(api, .post, "/v1/transactions", headers: [.contentType: "text/plain"], body: transaction.canonicalBytes)
            #expect(response.status == .unsupportedMediaType)
            #expect(errorCode(response) == "unsupported-media-type")
            let missing = try await send(api, .post, "/v1/transactions", body: transaction.canonicalBytes)
            #expect(missing.status == .unsupportedMediaType)
        }
    }

    @Test("an oversize body is 413 and a batch above the maximum count is refused")
    func oversize() async throws {
        try await withRunningServer(server) { api in
            let response = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: [UInt8](repeating: 1, count: 65 * 1_024))
            #expect(response.status == .contentTooLarge)
            #expect(errorCode(response) == "body-too-large")
            let transactions = try (1...9).map { try service.consortium.transfer(from: 0, nonce: UInt64($0)) }
            let tooMany = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: batchBytes(transactions))
            #expect(errorCode(tooMany) == "batch-too-large")
            let hugeCount = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: [0, 0xff, 0xff, 0xff])
            #expect(errorCode(hugeCount) == "batch-too-large")
            #expect(await service.mempool.count == 0)
        }
    }
}
