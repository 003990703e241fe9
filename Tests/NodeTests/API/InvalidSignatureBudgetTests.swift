import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
@testable import Node
import Testing

/// Attack F9: batches of invalid signatures from a member key made the node verify thousands of
/// signatures a second, unlogged. Each client now has a budget of invalid-signature work.
@Suite("A client's invalid signatures are budgeted")
struct InvalidSignatureBudgetTests {
    static let second: UInt64 = 1_000_000_000

    /// A member's transfer whose signature is another transaction's: well-formed, invalid.
    func forged(_ service: FakeNodeService, nonce: UInt64) throws -> Transaction {
        let genuine = try service.consortium.transfer(from: 0, nonce: nonce)
        let other = try service.consortium.transfer(from: 0, nonce: nonce + 100)
        return Transaction(unchecked: genuine.chainID, sender: genuine.sender, nonce: genuine.nonce, payload: genuine.payload, signature: other.signature)
    }

    @Test("beyond its burst a client is refused with 429 before anything is verified, until the rate pays its debt back")
    func refusedAfterTheBurst() async throws {
        let service = try FakeNodeService(commitOnWait: true)
        var configuration = loopbackConfiguration(batchTransactionsMax: 8)
        configuration.invalidSignaturesBurst = 3
        configuration.invalidSignaturesPerSecond = 0.01
        let server = APIServer(service: service, configuration: configuration, logger: quietAPILogger())
        try await withRunningServer(server) { api in
            let batch = try (1...4).map { try forged(service, nonce: $0) }
            let first = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: batchBytes(batch))
            #expect(first.status == .ok)
            #expect(try decode(SubmitResponseBody.self, first).results.map { $0.error?.code } == Array(repeating: "invalid-signature", count: 4))
            let valid = try service.consortium.transfer(from: 0, nonce: 1)
            let second = try await send(api, .post, "/v1/transactions", headers: binaryHeaders, body: valid.canonicalBytes)
            #expect(second.status == .tooManyRequests)
            #expect(errorCode(second) == "too-many-invalid-signatures")
            #expect(await service.mempool.transaction(valid.id) == nil, "nothing was admitted while over budget")
            // Reading is never refused.
            #expect(try await send(api, .get, "/v1/status").status == .ok)
        }
    }

    @Test("the budget is per client, refills at its rate, and valid transactions cost nothing")
    func perClientAndRate() {
        let budget = InvalidSignatureBudget(perSecond: 10, burst: 20)
        #expect(budget.waitSeconds(for: "10.0.0.1", now: 0) == nil)
        budget.spend(0, by: "10.0.0.1", now: 0)
        budget.spend(30, by: "10.0.0.1", now: 0)
        let wait = budget.waitSeconds(for: "10.0.0.1", now: 0)
        #expect(wait.map { abs($0 - 1.1) < 0.01 } == true, "10 in debt at 10 a second: 1.1 s to a whole token")
        #expect(budget.waitSeconds(for: "10.0.0.2", now: 0) == nil, "another client is not slowed")
        #expect(budget.waitSeconds(for: "10.0.0.1", now: 2 * Self.second) == nil)
    }
}
