import Foundation
import LedgerCore
import LedgerCrypto

/// Turns a `POST /v1/transactions` body into transactions, strictly: undecodable input is
/// refused whole with a message that says which transaction and why.
enum SubmissionDecoding {
    enum MediaType {
        case binary
        case json
    }

    /// The body's media type from its `Content-Type` (parameters such as `charset` ignored).
    static func mediaType(of contentType: String?) throws(APIError) -> MediaType {
        let essence = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        switch essence {
        case "application/octet-stream": return .binary
        case "application/json": return .json
        default:
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported-media-type",
                message: "send Content-Type application/octet-stream (canonical bytes) or application/json, not \(contentType ?? "none")")
        }
    }

    /// Canonical bytes: one transaction, or (first byte 0x00, the top byte of a u32 count) a
    /// batch — a u32 count then that many transactions. A transaction's first byte is its
    /// format version, never 0.
    static func binary(_ bytes: [UInt8], batchMax: Int) throws(APIError) -> [Transaction] {
        guard let first = bytes.first else { throw emptyBatch }
        do {
            guard first == 0 else { return [try Transaction(canonicalBytes: bytes)] }
            var reader = CanonicalReader(bytes)
            var peek = reader
            let count = Int(try peek.readUInt32("transaction count"))
            guard count <= batchMax else { throw batchTooLarge(count: count, maximum: batchMax) }
            let transactions = try reader.readArray(of: Transaction.self, maximum: batchMax, "transactions")
            try reader.finish()
            guard !transactions.isEmpty else { throw emptyBatch }
            return transactions
        } catch let error as APIError {
            throw error
        } catch let error as CodecError {
            throw APIError.badRequest("invalid-transaction", "the body is not canonical transaction bytes: \(error)")
        } catch {
            throw APIError.badRequest("invalid-transaction", "the body is not canonical transaction bytes: \(error)")
        }
    }

    /// `{"transaction": "<hex>"}` or `{"transactions": ["<hex>", …]}`.
    static func json(_ bytes: [UInt8], batchMax: Int) throws(APIError) -> [Transaction] {
        let body: SubmitRequestBody
        do { body = try JSONDecoder().decode(SubmitRequestBody.self, from: Data(bytes)) } catch {
            throw APIError.badRequest(
                "invalid-json", "the body is not JSON of the form {\"transaction\": \"<hex>\"} or {\"transactions\": [\"<hex>\", …]}")
        }
        let hexes: [String]
        switch (body.transaction, body.transactions) {
        case (let single?, nil): hexes = [single]
        case (nil, let batch?): hexes = batch
        default:
            throw APIError.badRequest("invalid-request", "give exactly one of \"transaction\" and \"transactions\"")
        }
        guard !hexes.isEmpty else { throw emptyBatch }
        guard hexes.count <= batchMax else { throw batchTooLarge(count: hexes.count, maximum: batchMax) }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(hexes.count)
        for (index, hex) in hexes.enumerated() {
            guard let bytes = Hex.decode(hex) else {
                throw APIError.badRequest("invalid-hex", "transaction \(index) is not an even number of hex digits")
            }
            do { transactions.append(try Transaction(canonicalBytes: bytes)) } catch {
                throw APIError.badRequest("invalid-transaction", "transaction \(index) is not canonical transaction bytes: \(error)")
            }
        }
        return transactions
    }

    private static var emptyBatch: APIError { .badRequest("empty-batch", "the request holds no transaction") }

    private static func batchTooLarge(count: Int, maximum: Int) -> APIError {
        APIError(
            status: .contentTooLarge, code: "batch-too-large",
            message: "a batch of \(count) transactions is above the maximum of \(maximum); split it")
    }
}
