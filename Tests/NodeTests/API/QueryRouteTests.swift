import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
import Node
import Testing

@Suite("API queries")
struct QueryRouteTests {
    let service: FakeNodeService
    let server: APIServer<FakeNodeService>

    init() throws {
        service = try FakeNodeService()
        server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
    }

    @Test("GET /health answers ok")
    func health() async throws {
        try await withRunningServer(server) { api in
            let response = try await send(api, .get, "/health")
            #expect(response.status == .ok)
            #expect(try decode(HealthBody.self, response) == HealthBody(status: "ok"))
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test("GET /health answers 503 with the problems while the node is degraded; /v1/status carries them")
    func degradedHealth() async throws {
        let service = try FakeNodeService()
        service.health.withLock { $0 = NodeHealth(problems: [.noQuorum(reachable: 2, quorum: 3)]) }
        let server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
        try await withRunningServer(server) { api in
            let response = try await send(api, .get, "/health")
            #expect(response.status == .serviceUnavailable)
            let body = try decode(HealthBody.self, response)
            #expect(body.status == "degraded")
            #expect(body.problems?.map(\.code) == ["no-quorum"])
            #expect(body.problems?.first?.message.contains("2 validators reachable including this one, a quorum is 3") == true)
            let status = try decode(StatusBody.self, try await send(api, .get, "/v1/status"))
            #expect(status.health == "degraded" && status.problems?.map(\.code) == ["no-quorum"])
        }
    }

    @Test("GET /v1/transactions/{id}: committed with checkable proofs, pending, unknown, bad id")
    func transactionStatus() async throws {
        try await withRunningServer(server) { api in
            let committed = service.committedTransactions[1]
            let response = try await send(api, .get, "/v1/transactions/\(committed.id.hex)")
            let body = try decode(TransactionBody.self, response)
            #expect(body.status == "committed")
            #expect(body.height == 1 && body.position == 1)
            #expect(body.header?.transactionCount == 3)
            #expect(body.certificate?.signatures.count == 1)
            let checked = try body.verifiableCommit()
            #expect(checked.transactionID == committed.id)

            let pending = try service.consortium.transfer(from: 0, nonce: 1)
            _ = await service.submit([pending])
            #expect(try decode(TransactionBody.self, try await send(api, .get, "/v1/transactions/\(pending.id.hex)")).status == "pending")

            let unknown = try await send(api, .get, "/v1/transactions/\(Digest.zero.hex)")
            #expect(unknown.status == .ok)
            #expect(try decode(TransactionBody.self, unknown) == TransactionBody(id: Digest.zero.hex, status: "unknown"))

            let bad = try await send(api, .get, "/v1/transactions/xyz")
            #expect(bad.status == .badRequest)
            #expect(errorCode(bad) == "invalid-transaction-id")
        }
    }

    @Test("GET /v1/blocks/{height}: header, ids and certificate; unknown and invalid heights")
    func block() async throws {
        try await withRunningServer(server) { api in
            let body = try decode(BlockBody.self, try await send(api, .get, "/v1/blocks/1"))
            let stored = try #require(try await service.block(at: 1))
            #expect(body.hash == stored.block.hash.hex)
            #expect(body.header.hex == Hex.encode(stored.block.header.canonicalBytes))
            #expect(body.transactionIds == stored.block.transactions.map(\.id.hex))
            #expect(body.certificate.hex == Hex.encode(stored.certificate.canonicalBytes))
            let missing = try await send(api, .get, "/v1/blocks/2")
            #expect(missing.status == .notFound)
            #expect(errorCode(missing) == "unknown-block")
            for bad in ["0", "-1", "abc", "99999999999999999999999"] {
                #expect(errorCode(try await send(api, .get, "/v1/blocks/\(bad)")) == "invalid-height")
            }
        }
    }

    @Test("GET /v1/blocks/{height}/raw: hex JSON, or bytes with Accept octet-stream, that decode to the block")
    func rawBlock() async throws {
        try await withRunningServer(server) { api in
            let stored = try #require(try await service.block(at: 1))
            let json = try decode(RawBlockBody.self, try await send(api, .get, "/v1/blocks/1/raw"))
            #expect(try Block(canonicalBytes: try #require(Hex.decode(json.block))) == stored.block)
            #expect(try CommitCertificate(canonicalBytes: try #require(Hex.decode(json.certificate))) == stored.certificate)
            let binary = try await send(api, .get, "/v1/blocks/1/raw", headers: [.accept: "application/octet-stream"])
            #expect(binary.headers[.contentType] == "application/octet-stream")
            var reader = CanonicalReader(binary.body)
            #expect(try reader.read(Block.self) == stored.block)
            #expect(try reader.read(CommitCertificate.self) == stored.certificate)
            #expect(reader.isAtEnd)
        }
    }

    @Test("GET /v1/accounts/{address}: nonce and balances; unknown and invalid addresses")
    func account() async throws {
        try await withRunningServer(server) { api in
            let address = service.consortium.address(0)
            let body = try decode(AccountBody.self, try await send(api, .get, "/v1/accounts/\(address)"))
            #expect(body == AccountBody(address: address.description, nonce: 0, balances: [BalanceBody(currency: "EUR", amount: "1000000")]))
            let outsider = try await send(api, .get, "/v1/accounts/\(service.consortium.outsider.publicKey.address)")
            #expect(outsider.status == .notFound)
            #expect(errorCode(outsider) == "unknown-account")
            #expect(errorCode(try await send(api, .get, "/v1/accounts/gl1234")) == "invalid-address")
        }
    }

    @Test("GET /v1/status reports what the service provides")
    func status() async throws {
        try await withRunningServer(server) { api in
            let body = try decode(StatusBody.self, try await send(api, .get, "/v1/status"))
            #expect(body.chainId == TestConsortium.chainID.value)
            #expect(body.height == 1)
            #expect(body.primary == "validator-0")
            #expect(body.mempoolSize == 0)
        }
    }

    @Test("unknown paths, wrong methods and an unavailable node answer in the JSON error shape")
    func errors() async throws {
        try await withRunningServer(server) { api in
            let notFound = try await send(api, .get, "/v1/nothing")
            #expect(notFound.status == .notFound)
            #expect(errorCode(notFound) == "not-found")
            let wrongMethod = try await send(api, .delete, "/v1/status")
            #expect(errorCode(wrongMethod) != nil)
            service.setUnavailable(true)
            let unavailable = try await send(api, .get, "/v1/blocks/1")
            #expect(unavailable.status == .serviceUnavailable)
            #expect(errorCode(unavailable) == "unavailable")
        }
    }
}
