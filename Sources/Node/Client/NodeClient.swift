import Foundation
import LedgerCore
import LedgerCrypto
import NIOHTTP1
import NIOSSL

/// A client for a node's HTTP/JSON API (docs/api.md), used by the CLI. Each call opens one
/// connection, has a deadline, and throws a `NodeClientError` that says what went wrong.
public struct NodeClient: Sendable {
    public let host: String
    public let port: Int
    /// Deadline of a call (a waited submission adds its wait to this).
    public var requestTimeoutMillis: UInt64
    public var responseSizeMaxBytes: Int
    /// HTTPS when set: the client context trusting the node's CA (`https://` URLs).
    public var tls: NIOSSLContext?

    public init(host: String, port: Int, requestTimeoutMillis: UInt64 = 15_000, responseSizeMaxBytes: Int = 32 * 1_024 * 1_024) {
        self.host = host
        self.port = port
        self.requestTimeoutMillis = requestTimeoutMillis
        self.responseSizeMaxBytes = responseSizeMaxBytes
    }

    /// From `http://host:port` or `https://host:port`. For HTTPS the node's certificate must
    /// chain to a CA in `caFile` (PEM; nil: the system's trusted roots) and name the host or
    /// address in the URL.
    public init(url text: String, caFile: String? = nil) throws(NodeClientError) {
        guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/"
        else { throw .invalidURL(text) }
        self.init(host: host, port: url.port ?? (scheme == "https" ? 443 : 80))
        if scheme == "https" {
            var caPEM: String?
            if let caFile {
                do { caPEM = try String(contentsOfFile: caFile, encoding: .utf8) } catch {
                    throw .tls(endpoint: "\(host):\(port)", reason: "cannot read the CA file \(caFile): \(error.localizedDescription)")
                }
            }
            do { tls = try APITLS.makeClientContext(caPEM: caPEM) } catch {
                throw .tls(endpoint: "\(host):\(port)", reason: "\(caFile.map { "\($0): " } ?? "")\(error)")
            }
        } else if caFile != nil {
            throw .tls(endpoint: "\(host):\(port)", reason: "--ca is for https:// URLs; \(text) is plain HTTP")
        }
    }

    /// The scheme this client speaks.
    public var scheme: String { tls == nil ? "http" : "https" }

    // MARK: - Calls

    /// Submits transactions as canonical bytes (a batch when more than one). With
    /// `waitMillis`, the node waits up to that long for each commit and each result's
    /// `commit` says how it stands.
    public func submit(_ transactions: [Transaction], waitMillis: UInt64? = nil) async throws(NodeClientError) -> [SubmissionResultBody] {
        let body: [UInt8]
        if transactions.count == 1 {
            body = transactions[0].canonicalBytes
        } else {
            var writer = CanonicalWriter()
            writer.write(transactions, maximum: Limits.blockTransactionsMax)
            body = writer.bytes
        }
        let path = waitMillis.map { "/v1/transactions?wait=true&timeoutMillis=\($0)" } ?? "/v1/transactions"
        let exchange = exchange(extraMillis: waitMillis ?? 0)
        let reply = try await exchange.send(method: .POST, path: path, contentType: "application/octet-stream", body: body)
        return try decode(SubmitResponseBody.self, reply, exchange).results
    }

    /// `POST /v1/transactions/simulate`: the receipt each transaction would get now, in order.
    public func simulate(_ transactions: [Transaction]) async throws(NodeClientError) -> SimulateResponseBody {
        var writer = CanonicalWriter()
        if transactions.count == 1 {
            transactions[0].encode(to: &writer)
        } else {
            writer.write(transactions, maximum: Limits.blockTransactionsMax)
        }
        let exchange = exchange()
        let reply = try await exchange.send(method: .POST, path: "/v1/transactions/simulate", contentType: "application/octet-stream", body: writer.bytes)
        return try decode(SimulateResponseBody.self, reply, exchange)
    }

    public func transaction(_ id: Digest) async throws(NodeClientError) -> TransactionBody {
        try await get(TransactionBody.self, "/v1/transactions/\(id.hex)")
    }

    public func block(at height: UInt64) async throws(NodeClientError) -> BlockBody {
        try await get(BlockBody.self, "/v1/blocks/\(height)")
    }

    /// The block and its certificate, decoded from their canonical bytes.
    public func rawBlock(at height: UInt64) async throws(NodeClientError) -> CommittedBlock {
        let exchange = exchange()
        let reply = try await exchange.send(method: .GET, path: "/v1/blocks/\(height)/raw", accept: "application/octet-stream")
        guard reply.status == 200, reply.contentType == "application/octet-stream" else {
            throw apiError(reply, exchange)
        }
        var reader = CanonicalReader(reply.body)
        do {
            let block = try reader.read(Block.self)
            let certificate = try reader.read(CommitCertificate.self)
            try reader.finish()
            return CommittedBlock(block: block, certificate: certificate)
        } catch {
            throw .malformedResponse(endpoint: exchange.endpoint, reason: "raw block bytes do not decode: \(error)")
        }
    }

    public func account(_ address: Address) async throws(NodeClientError) -> AccountBody {
        try await get(AccountBody.self, "/v1/accounts/\(address)")
    }

    public func status() async throws(NodeClientError) -> StatusBody { try await get(StatusBody.self, "/v1/status") }

    /// `GET /health`: the node's own judgement, whether it answered 200 (ok) or 503 (degraded).
    public func health() async throws(NodeClientError) -> (httpStatus: Int, body: HealthBody) {
        let exchange = exchange()
        let reply = try await exchange.send(method: .GET, path: "/health")
        guard reply.status == 200 || reply.status == 503 else { throw apiError(reply, exchange) }
        do { return (reply.status, try JSONDecoder().decode(HealthBody.self, from: Data(reply.body))) } catch {
            throw .malformedResponse(endpoint: exchange.endpoint, reason: "\(error)")
        }
    }

    /// Equivocation evidence the node stored, newest first.
    public func evidence(validator: UInt16? = nil) async throws(NodeClientError) -> EvidenceListBody {
        try await get(EvidenceListBody.self, "/v1/evidence" + (validator.map { "?validator=\($0)" } ?? ""))
    }

    // MARK: - Plumbing

    func exchange(extraMillis: UInt64 = 0) -> HTTPExchange {
        let (timeout, overflow) = requestTimeoutMillis.addingReportingOverflow(extraMillis)
        return HTTPExchange(host: host, port: port, timeoutMillis: overflow ? .max : timeout, responseSizeMaxBytes: responseSizeMaxBytes, tls: tls)
    }

    func get<Body: Decodable>(_ type: Body.Type, _ path: String) async throws(NodeClientError) -> Body {
        let exchange = exchange()
        return try decode(Body.self, try await exchange.send(method: .GET, path: path), exchange)
    }

    func decode<Body: Decodable>(_ type: Body.Type, _ reply: HTTPExchange.Reply, _ exchange: HTTPExchange) throws(NodeClientError) -> Body {
        guard reply.status == 200 else { throw apiError(reply, exchange) }
        do { return try JSONDecoder().decode(Body.self, from: Data(reply.body)) } catch {
            throw .malformedResponse(endpoint: exchange.endpoint, reason: "\(error)")
        }
    }

    func apiError(_ reply: HTTPExchange.Reply, _ exchange: HTTPExchange) -> NodeClientError {
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(reply.body)) {
            return .api(status: reply.status, code: body.error.code, message: body.error.message)
        }
        return .malformedResponse(endpoint: exchange.endpoint, reason: "HTTP \(reply.status) without an API error body")
    }
}
