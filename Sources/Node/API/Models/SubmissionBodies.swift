/// `POST /v1/transactions` as JSON: exactly one of the two fields, hex of canonical bytes.
public struct SubmitRequestBody: Codable, Sendable, Hashable {
    public var transaction: String?
    public var transactions: [String]?

    public init(transaction: String? = nil, transactions: [String]? = nil) {
        self.transaction = transaction
        self.transactions = transactions
    }
}

/// The answer to `POST /v1/transactions`: one result per submitted transaction, in order.
public struct SubmitResponseBody: Codable, Sendable, Hashable {
    public var results: [SubmissionResultBody]

    public init(results: [SubmissionResultBody]) { self.results = results }
}

public struct SubmissionResultBody: Codable, Sendable, Hashable {
    /// Transaction id (hex).
    public var id: String
    /// `accepted` (newly admitted), `duplicate` (already pending: nothing changed) or `rejected`.
    public var status: String
    /// Why it was rejected.
    public var error: ErrorDetail?
    /// With `?wait=true`: the transaction's status when the wait ended (committed, with its
    /// receipt and proofs, or still pending when the wait timed out).
    public var commit: TransactionBody?

    public init(id: String, status: String, error: ErrorDetail? = nil, commit: TransactionBody? = nil) {
        self.id = id
        self.status = status
        self.error = error
        self.commit = commit
    }
}

/// The answer to `POST /v1/transactions/simulate`: the receipt each transaction would get now.
public struct SimulateResponseBody: Codable, Sendable, Hashable {
    /// The committed height simulated on.
    public var height: UInt64
    /// What a simulation does not check.
    public var note: String
    public var results: [SimulationResultBody]

    public static let note =
        "simulated in order on the committed state as the next block; a nonce is checked only to be above the committed one, and pending transactions are not applied first"

    public init(height: UInt64, note: String, results: [SimulationResultBody]) {
        self.height = height
        self.note = note
        self.results = results
    }
}

public struct SimulationResultBody: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var success: Bool
    /// The failure code and message the receipt would carry.
    public var failure: ErrorDetail?

    public init(id: String, kind: String, success: Bool, failure: ErrorDetail?) {
        self.id = id
        self.kind = kind
        self.success = success
        self.failure = failure
    }
}
