import Foundation
import Hummingbird
import LedgerCore
import LedgerCrypto
import Logging
import NIOHTTP1
@testable import Node
import Testing

/// What one request to a running API server answered: status, every header, and the raw body.
struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [UInt8]
}

/// A client for an `APIServer` serving on 127.0.0.1, on the module's own NIO HTTP/1.1 client
/// (`HTTPExchange`, one connection per request). Sends any method, path, headers and raw body.
struct APITestClient: Sendable {
    let port: Int

    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil) async throws -> APIResponse {
        // Generous: a test that needs this long has failed anyway; the bound only keeps a hang from stalling the run.
        let exchange = HTTPExchange(host: "127.0.0.1", port: port, timeoutMillis: 30_000, responseSizeMaxBytes: 16 * 1_024 * 1_024)
        var sent = HTTPHeaders()
        for field in headers { sent.add(name: field.name.rawName, value: field.value) }
        let reply = try await exchange.send(method: HTTPMethod(rawValue: method.rawValue), path: uri, body: body, headers: sent)
        var received = HTTPFields()
        for (name, value) in reply.headers {
            let fieldName = try #require(HTTPField.Name(name), "the server sent an invalid header name \"\(name)\"")
            received.append(HTTPField(name: fieldName, value: value))
        }
        return APIResponse(status: HTTPResponse.Status(code: reply.status), headers: received, body: reply.body)
    }
}

/// `HTTPFields.Element`: HTTPTypes' field type, which Hummingbird does not re-export by name.
typealias HTTPField = HTTPFields.Element

/// The configuration the API tests serve with: loopback and an ephemeral port.
func loopbackConfiguration(bodySizeMaxBytes: Int = 5 * 1_024 * 1_024, batchTransactionsMax: Int = 500) -> APIConfiguration {
    APIConfiguration(host: "127.0.0.1", port: 0, bodySizeMaxBytes: bodySizeMaxBytes, batchTransactionsMax: batchTransactionsMax)
}

/// A logger that keeps test output to real failures: stopping the server by cancellation
/// makes Hummingbird log cut connections as errors, and it logs a notice on every start.
func quietAPILogger() -> Logger {
    var logger = Logger(label: "greenledger.api")
    logger.logLevel = .critical
    return logger
}

/// Runs `server` (which must listen on port 0 of 127.0.0.1), waits for its bound port with a
/// deadline, hands a client for it to `body`, then stops the server and waits until it has
/// stopped — also when `body` throws.
func withRunningServer<Service: NodeService>(
    _ server: APIServer<Service>, startDeadline: Duration = .seconds(10), _ body: (APITestClient) async throws -> Void
) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let serving = Task {
        // Ends the stream if the server stops (or fails to bind) before listening.
        defer { continuation.finish() }
        try await server.run(onListening: { port in continuation.yield(port) })
    }
    let outcome: Result<Void, any Error>
    do {
        let port = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { await ports.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: startDeadline)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        guard let port else {
            serving.cancel()
            if case .failure(let error) = await serving.result { throw error }
            Issue.record("the API server did not start listening within \(startDeadline)")
            return
        }
        try await body(APITestClient(port: port))
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    serving.cancel()
    _ = await serving.result
    try outcome.get()
}

/// Sends one request to the running server and returns the response.
func send(
    _ client: APITestClient, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil
) async throws -> APIResponse {
    try await client.send(method, uri, headers: headers, body: body)
}

func decode<Body: Decodable>(_ type: Body.Type, _ response: APIResponse) throws -> Body {
    try JSONDecoder().decode(Body.self, from: Data(response.body))
}

func errorCode(_ response: APIResponse) -> String? {
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
