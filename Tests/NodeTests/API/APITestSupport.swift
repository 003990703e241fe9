import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Node

/// Sends one request through the router (no socket) and returns the response.
func send(
    _ server: APIServer<FakeNodeService>, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil
) async throws -> TestResponse {
    try await server.application().test(.router) { client in
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }
}

func decode<Body: Decodable>(_ type: Body.Type, _ response: TestResponse) throws -> Body {
    try JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView))
}

func errorCode(_ response: TestResponse) -> String? {
    (try? decode(ErrorBody.self, response))?.error.code
}

func jsonBody(_ body: SubmitRequestBody) throws -> [UInt8] { Array(try JSONEncoder().encode(body)) }

let jsonHeaders: HTTPFields = [.contentType: "application/json"]
let binaryHeaders: HTTPFields = [.contentType: "application/octet-stream"]

/// Canonical bytes of a batch: u32 count, then each transaction.
func batchBytes(_ transactions: [Transaction]) -> [UInt8] {
    var writer = CanonicalWriter()
    writer.write(transactions, maximum: Limits.blockTransactionsMax)
    return writer.bytes
}
