import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
import Node
import Testing

/// The query endpoints over a real (genesis-only) store: paging, and every refusal in words.
@Suite("API query lists")
struct QueryListRouteTests {
    let service: FakeNodeService
    let server: APIServer<FakeNodeService>

    init() throws {
        service = try FakeNodeService()
        server = APIServer(service: service, configuration: loopbackConfiguration(), logger: quietAPILogger())
    }

    @Test("GET /v1/accounts pages with limit and after: every member once, then no next")
    func accountsPaging() async throws {
        try await withRunningServer(server) { api in
            var seen: [String] = []
            var after: String?
            for _ in 0..<10 {
                let uri = "/v1/accounts?limit=1" + (after.map { "&after=\($0)" } ?? "")
                let page = try decode(ListBody<AccountBody>.self, try await send(api, .get, uri))
                #expect(page.items.count == 1 && page.height == 0)
                seen += page.items.map(\.address)
                after = page.next
                if after == nil { break }
            }
            let members = service.genesis.members.map(\.address.description).sorted()
            #expect(seen == members)
            let all = try decode(ListBody<AccountBody>.self, try await send(api, .get, "/v1/accounts"))
            #expect(all.items.map(\.address) == members && all.next == nil)
            let rich = try #require(all.items.first { $0.address == service.consortium.address(0).description })
            #expect(rich.balances == [BalanceBody(currency: "EUR", amount: "1000000")])
        }
    }

    @Test("empty lists answer no items and no next")
    func emptyLists() async throws {
        try await withRunningServer(server) { api in
            for path in ["/v1/projects", "/v1/attestations", "/v1/credits", "/v1/retirements", "/v1/bonds", "/v1/blocks"] {
                let response = try await send(api, .get, path)
                #expect(response.status == .ok, "\(path)")
                let body = try decode(ListBody<BlockSummaryBody>.self, response)
                #expect(body.items.isEmpty && body.next == nil, "\(path)")
            }
            let sender = service.consortium.address(1)
            let none = try decode(ListBody<TransactionSummaryBody>.self, try await send(api, .get, "/v1/transactions?sender=\(sender)"))
            #expect(none.items.isEmpty)
        }
    }

    @Test("unknown project and bond ids are 404s with a sentence")
    func unknownIDs() async throws {
        try await withRunningServer(server) { api in
            let project = try await send(api, .get, "/v1/projects/solar-1")
            #expect(project.status == .notFound)
            #expect(errorCode(project) == "unknown-project")
            let bond = try await send(api, .get, "/v1/bonds/GB-1")
            #expect(bond.status == .notFound)
            #expect(errorCode(bond) == "unknown-bond")
            #expect(try decode(ErrorBody.self, bond).error.message.contains("GB-1"))
        }
    }

    @Test("bad parameters are 400s naming what is wrong and what is expected", arguments: [
        ("/v1/accounts?limit=0", "invalid-limit", "from 1 to 1000"),
        ("/v1/accounts?limit=1001", "invalid-limit", "from 1 to 1000"),
        ("/v1/accounts?limit=ten", "invalid-limit", "whole number"),
        ("/v1/accounts?after=not-a-cursor", "invalid-cursor", "next"),
        ("/v1/projects?owner=alice", "invalid-address", "40 lowercase hex"),
        ("/v1/projects?category=coal", "invalid-parameter", "renewable-energy"),
        ("/v1/projects?onwer=x", "unknown-parameter", "owner"),
        ("/v1/credits?status=lost", "invalid-parameter", "issued, retired, cancelled, suspended"),
        ("/v1/credits?serial=5", "invalid-parameter", "project and the vintage"),
        ("/v1/credits?serial=5&project=p", "invalid-parameter", "project and the vintage"),
        ("/v1/credits?serial=0&project=p&vintage=2025", "invalid-parameter", "from 1"),
        ("/v1/attestations?vintage=99999", "invalid-parameter", "year"),
        ("/v1/attestations?verifier=gl00", "invalid-address", "40 lowercase hex"),
        ("/v1/retirements?limit=5&limit=6", "invalid-parameter", "twice"),
        ("/v1/transactions", "missing-parameter", "sender"),
        ("/v1/bonds/GB-1?limit=3", "unknown-parameter", "none"),
    ])
    func refusals(path: String, code: String, words: String) async throws {
        try await withRunningServer(server) { api in
            let response = try await send(api, .get, path)
            #expect(response.status == .badRequest, "\(path)")
            let body = try decode(ErrorBody.self, response)
            #expect(body.error.code == code, "\(path): \(body.error)")
            #expect(body.error.message.contains(words), "\(path): \(body.error.message)")
        }
    }

    @Test("a cursor of one list is refused by another")
    func cursorOfAnotherList() async throws {
        try await withRunningServer(server) { api in
            let page = try decode(ListBody<AccountBody>.self, try await send(api, .get, "/v1/accounts?limit=1"))
            let cursor = try #require(page.next)
            let response = try await send(api, .get, "/v1/bonds?after=\(cursor)")
            #expect(errorCode(response) == "invalid-cursor")
        }
    }

    @Test("while the node cannot answer, the query routes say so with 503")
    func unavailable() async throws {
        service.setUnavailable(true)
        try await withRunningServer(server) { api in
            let response = try await send(api, .get, "/v1/projects")
            #expect(response.status == .serviceUnavailable)
            #expect(errorCode(response) == "unavailable")
        }
    }
}
