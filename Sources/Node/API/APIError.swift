import Hummingbird

/// A request the API refuses, rendered as `{"error": {"code", "message"}}` with `status`.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(status: .badRequest, code: code, message: message) }
    static func notFound(_ code: String, _ message: String) -> APIError { APIError(status: .notFound, code: code, message: message) }

    static func tooManyInvalidSignatures(waitSeconds: Double) -> APIError {
        APIError(
            status: .tooManyRequests, code: "too-many-invalid-signatures",
            message: "this client sent too many transactions with invalid signatures; submit again in \(Int(waitSeconds.rounded(.up))) s, signed with the sender's key")
    }

    static func bodyTooLarge(maximumBytes: Int) -> APIError {
        APIError(
            status: .contentTooLarge, code: "body-too-large",
            message: "the request body is above \(maximumBytes) bytes; split the batch into smaller requests")
    }

    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    init(_ error: NodeServiceError) {
        switch error {
        case .unavailable: self.init(status: .serviceUnavailable, code: "unavailable", message: error.description)
        case .storage: self.init(status: .internalServerError, code: "storage-error", message: error.description)
        }
    }

    /// Errors Hummingbird raises itself (no route, wrong method, …), in the same shape.
    init(_ error: HTTPError) {
        switch error.status {
        case .notFound:
            self.init(status: .notFound, code: "not-found", message: "no such endpoint; see docs/api.md for the endpoints")
        case .methodNotAllowed:
            self.init(status: .methodNotAllowed, code: "method-not-allowed", message: "this endpoint does not take that HTTP method")
        case .contentTooLarge:
            self.init(status: .contentTooLarge, code: "body-too-large", message: "the request body is too large")
        default:
            self.init(status: error.status, code: "http-\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        }
    }
}
