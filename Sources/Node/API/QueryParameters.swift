import Hummingbird
import LedgerCore
import LedgerCrypto
import Storage

/// A request's query parameters, read strictly: a parameter the endpoint does not take, a
/// repeated one, or a malformed value is a 400 with a sentence naming it and what it expects.
struct QueryParameters {
    private let values: [String: String]

    init(_ request: Request, allowed: Set<String>) throws(APIError) {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                let list = allowed.sorted().joined(separator: ", ")
                throw APIError.badRequest(
                    "unknown-parameter", "\"\(name.prefix(40))\" is not a parameter of this endpoint; it takes: \(list.isEmpty ? "none" : list)")
            }
            guard values[name] == nil else { throw APIError.badRequest("invalid-parameter", "\(name) is given twice; give it once") }
            values[name] = String(value)
        }
        self.values = values
    }

    /// `limit` and `after`, the paging of every list.
    func page() throws(APIError) -> QueryPage {
        var page = QueryPage(after: values["after"])
        if let text = values["limit"] {
            guard let limit = Int(text) else {
                throw APIError.badRequest(
                    "invalid-limit", "limit must be a whole number from 1 to \(QueryPage.limitMax), got \"\(text.prefix(40))\"")
            }
            page.limit = limit
        }
        return page
    }

    func unsigned(_ name: String, maximum: UInt64) throws(APIError) -> UInt64? {
        guard let text = values[name] else { return nil }
        guard let value = UInt64(text), value <= maximum else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be a whole number from 0 to \(maximum), got \"\(text.prefix(40))\"")
        }
        return value
    }

    func address(_ name: String) throws(APIError) -> Address? {
        guard let text = values[name] else { return nil }
        guard let address = Address(text: text) else {
            throw APIError.badRequest("invalid-address", "\(name) must be an address: \"gl\" followed by 40 lowercase hex digits, got \"\(text.prefix(60))\"")
        }
        return address
    }

    func identifier(_ name: String) throws(APIError) -> Identifier? {
        guard let text = values[name] else { return nil }
        do { return try Identifier(text) } catch {
            throw APIError.badRequest("invalid-parameter", "\(name) must be an identifier: \(error)")
        }
    }

    func vintage(_ name: String = "vintage") throws(APIError) -> UInt16? {
        guard let text = values[name] else { return nil }
        guard let vintage = UInt16(text) else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be a year from 0 to 65535, got \"\(text.prefix(40))\"")
        }
        return vintage
    }

    func serial(_ name: String = "serial") throws(APIError) -> UInt64? {
        guard let text = values[name] else { return nil }
        guard let serial = UInt64(text), serial > 0 else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be a whole number from 1, got \"\(text.prefix(40))\"")
        }
        return serial
    }

    func category(_ name: String = "category") throws(APIError) -> TaxonomyCategory? {
        guard let text = values[name] else { return nil }
        guard let category = TaxonomyCategory(name: text) else {
            throw APIError.badRequest(
                "invalid-parameter",
                "\(name) \"\(text.prefix(40))\" is not one of: \(TaxonomyCategory.allCases.map(\.name).joined(separator: ", "))")
        }
        return category
    }

    func status(_ name: String = "status") throws(APIError) -> CreditStatus? {
        guard let text = values[name] else { return nil }
        // "held" is the name version 1 of the API gave unretired credits.
        guard let status = text == "held" ? .issued : CreditStatus(rawValue: text) else {
            throw APIError.badRequest(
                "invalid-parameter",
                "\(name) must be \(CreditStatus.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(40))\"")
        }
        return status
    }

    /// Free text, at most `maximumBytes` of UTF-8.
    func text(_ name: String, maximumBytes: Int = 256) throws(APIError) -> String? {
        guard let text = values[name] else { return nil }
        guard !text.isEmpty, text.utf8.count <= maximumBytes else {
            throw APIError.badRequest("invalid-parameter", "\(name) must be 1 to \(maximumBytes) bytes of text")
        }
        return text
    }
}

extension APIError {
    init(_ error: QueryError) {
        switch error {
        case .limitOutOfRange: self.init(status: .badRequest, code: "invalid-limit", message: error.description)
        case .invalidCursor: self.init(status: .badRequest, code: "invalid-cursor", message: error.description)
        case .serialNeedsProjectAndVintage: self.init(status: .badRequest, code: "invalid-parameter", message: error.description)
        case .storage: self.init(status: .internalServerError, code: "storage-error", message: "the node could not read its store: \(error)")
        }
    }
}
