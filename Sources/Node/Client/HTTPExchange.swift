import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import PeerNetwork

/// One HTTP/1.1 request and its response over a fresh connection (`Connection: close`), on
/// SwiftNIO. Why not URLSession: on Linux it lives in FoundationNetworking, which links
/// libcurl into the binary and behaves differently from Darwin's; the node already runs on
/// NIO, so the client uses the same stack and needs no new dependency. The response body is
/// bounded and the whole exchange has a deadline.
struct HTTPExchange: Sendable {
    struct Reply: Sendable {
        let status: Int
        let contentType: String?
        /// Every response header, for callers (and tests) that need more than the content type.
        let headers: HTTPHeaders
        let body: [UInt8]
    }

    let host: String
    let port: Int
    let timeoutMillis: UInt64
    let responseSizeMaxBytes: Int
    /// HTTPS: TLS first, the server's certificate checked against the host (a name) or the
    /// address connected to (an IP literal).
    var tls: NIOSSLContext? = nil

    var endpoint: String { "\(host):\(port)" }

    /// `headers` are sent after the defaults and replace any default of the same name.
    ///
    /// A GET is idempotent, so a connection that fails before a complete answer (refused,
    /// reset, closed early) is tried again, up to `attemptsMax` times within the deadline:
    /// a read never fails over one transport glitch. Other methods are sent once; the
    /// caller decides (a submission may have been accepted).
    func send(
        method: HTTPMethod, path: String, contentType: String? = nil, accept: String = "application/json", body: [UInt8]? = nil,
        headers: HTTPHeaders = HTTPHeaders()
    ) async throws(NodeClientError) -> Reply {
        let attempts = method == .GET ? Self.attemptsMax : 1
        do {
            return try await withThrowingTaskGroup(of: Reply.self) { group in
                group.addTask {
                    var attempt = 1
                    while true {
                        do {
                            return try await exchange(
                                method: method, path: path, contentType: contentType, accept: accept, body: body, extraHeaders: headers)
                        } catch let error as NodeClientError where !Self.isTransportFailure(error) {
                            throw error
                        } catch {
                            guard attempt < attempts, !Task.isCancelled else { throw error }
                            try await Task.sleep(for: .milliseconds(Self.retryDelayMillis * attempt))
                            attempt += 1
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(timeoutMillis))
                    throw NodeClientError.timedOut(endpoint: endpoint, afterMillis: timeoutMillis)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as NodeClientError {
            throw error
        } catch {
            if tls != nil, error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
                throw .tls(endpoint: endpoint, reason: Self.describeTLS(error))
            }
            throw .connectionFailed(endpoint: endpoint, reason: Self.describeConnection(error))
        }
    }

    /// A failed connection in words, not SwiftNIO's nested error values: the errno's meaning
    /// when there is one ("connection refused: nothing listens there"), else the whole error.
    static func describeConnection(_ error: any Error) -> String {
        let text = "\(error)"
        let known: [(String, String)] = [
            ("Connection refused", "connection refused: nothing listens on that port"),
            ("No route to host", "no route to the host"),
            ("Network is unreachable", "the network is unreachable"),
            ("Connection reset", "the connection was reset"),
            ("Host is down", "the host is down"),
        ]
        if let (_, meaning) = known.first(where: { text.contains($0.0) }) { return meaning }
        if text.contains("NXDOMAIN") || text.contains("Name or service not known") || text.contains("unknown host") {
            return "the host name does not resolve"
        }
        return text
    }

    /// BoringSSL's reason code with what it usually means here, or the whole error.
    static func describeTLS(_ error: any Error) -> String {
        let text = "\(error)"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the node's certificate does not name this host or address (\(text))"
        }
        guard let code = TLSFailureReason.code(in: error) else { return text }
        switch code {
        case "CERTIFICATE_VERIFY_FAILED", "BAD_SIGNATURE":
            // BAD_SIGNATURE: a trusted CA has the issuer's name but did not sign it (another
            // network's CA of the same name).
            return "the node's certificate is not signed by a trusted CA (\(code)); pass the CA that issued it with --ca"
        case "WRONG_VERSION_NUMBER":
            return "the node does not speak TLS (\(code)); use http:// for it"
        default:
            return code
        }
    }

    /// How many times a GET is tried before its transport failure is reported.
    static let attemptsMax = 3
    static let retryDelayMillis = 100

    /// A connection that ended before a complete answer: worth another try for a GET.
    static func isTransportFailure(_ error: NodeClientError) -> Bool {
        if case .malformedResponse(_, let reason) = error { return reason == closedEarly }
        return false
    }

    static let closedEarly = "the connection closed before a complete response"

    private func exchange(
        method: HTTPMethod, path: String, contentType: String?, accept: String, body: [UInt8]?, extraHeaders: HTTPHeaders
    ) async throws -> Reply {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(min(timeoutMillis, UInt64(Int64.max)))))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { [tls, host] in
                    if let tls {
                        let name = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint)
        headers.add(name: "Accept", value: accept)
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Content-Length", value: String(body?.count ?? 0))
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        for (name, _) in extraHeaders { headers.remove(name: name) }
        headers.add(contentsOf: extraHeaders)
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        return try await channel.executeThenClose { inbound, outbound in
            // The whole request goes out in one write. A server answers (and, with
            // `Connection: close`, closes) as soon as it has a complete request — for a GET
            // that is the head alone — so a separate later write of `.end` could meet a closed
            // channel although the answer is already on its way. A failed write is therefore
            // not the end: the answer, if any, is read first.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body, !body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            parts.append(.end(nil))
            var writeFailure: (any Error)?
            do { try await outbound.write(contentsOf: parts) } catch { writeFailure = error }
            var responseHead: HTTPResponseHead?
            var collected = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let received):
                    responseHead = received
                case .body(var chunk):
                    guard collected.readableBytes + chunk.readableBytes <= responseSizeMaxBytes else {
                        throw NodeClientError.responseTooLarge(endpoint: endpoint, maximumBytes: responseSizeMaxBytes)
                    }
                    collected.writeBuffer(&chunk)
                case .end:
                    guard let responseHead else { break }
                    return Reply(
                        status: Int(responseHead.status.code), contentType: responseHead.headers.first(name: "Content-Type"),
                        headers: responseHead.headers, body: Array(collected.readableBytesView))
                }
            }
            if let writeFailure { throw writeFailure }
            throw NodeClientError.malformedResponse(endpoint: endpoint, reason: Self.closedEarly)
        }
    }
}
