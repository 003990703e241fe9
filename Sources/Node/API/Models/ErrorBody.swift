/// The body of every API error: `{"error": {"code": "...", "message": "..."}}`.
public struct ErrorBody: Codable, Sendable, Hashable {
    public var error: ErrorDetail

    public init(code: String, message: String) { error = ErrorDetail(code: code, message: message) }
}

/// A stable `code` for programs and a `message` a person can act on.
public struct ErrorDetail: Codable, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
