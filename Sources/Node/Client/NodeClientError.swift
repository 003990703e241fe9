/// Why a call to a node's client API failed, in words for the CLI's user.
public enum NodeClientError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidURL(String)
    case connectionFailed(endpoint: String, reason: String)
    case timedOut(endpoint: String, afterMillis: UInt64)
    case responseTooLarge(endpoint: String, maximumBytes: Int)
    case malformedResponse(endpoint: String, reason: String)
    /// The node answered with an API error.
    case api(status: Int, code: String, message: String)
    /// TLS could not be set up (the CA file) or the server's certificate was refused.
    case tls(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let text): "\"\(text)\" is not a node URL such as https://127.0.0.1:8100 or http://node-0.example:8100 (scheme, host, port; no path)"
        case .connectionFailed(let endpoint, let reason): "cannot reach the node at \(endpoint): \(reason); is it running?"
        case .timedOut(let endpoint, let millis): "the node at \(endpoint) did not answer within \(millis) ms"
        case .responseTooLarge(let endpoint, let maximum): "the answer from \(endpoint) is above \(maximum) bytes"
        case .malformedResponse(let endpoint, let reason):
            "the answer from \(endpoint) is not what the API returns: \(reason); is this a validator's client API port (apiPort in its node.json, 8100 + i on a testnet) and not its peer port?"
        case .api(let status, let code, let message): "the node refused the request (\(status) \(code)): \(message)"
        case .tls(let endpoint, let reason): "TLS with \(endpoint): \(reason)"
        }
    }
}
