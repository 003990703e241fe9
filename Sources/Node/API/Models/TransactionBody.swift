/// `GET /v1/transactions/{id}`: the status, and for a committed transaction everything needed
/// to check it offline against one's own genesis.
public struct TransactionBody: Codable, Sendable, Hashable {
    public var id: String
    /// `pending`, `committed` or `unknown`.
    public var status: String
    public var height: UInt64?
    public var position: Int?
    public var receipt: ReceiptBody?
    public var header: HeaderBody?
    public var certificate: CertificateBody?
    public var proof: ProofBody?

    public init(
        id: String, status: String, height: UInt64? = nil, position: Int? = nil, receipt: ReceiptBody? = nil,
        header: HeaderBody? = nil, certificate: CertificateBody? = nil, proof: ProofBody? = nil
    ) {
        self.id = id
        self.status = status
        self.height = height
        self.position = position
        self.receipt = receipt
        self.header = header
        self.certificate = certificate
        self.proof = proof
    }
}

public struct ReceiptBody: Codable, Sendable, Hashable {
    public var success: Bool
    /// Why the transaction failed (a stable code such as `insufficient-funds`, and a sentence).
    public var failure: ErrorDetail?
    /// Canonical bytes of the receipt (hex): its hash is the receipts-tree leaf.
    public var hex: String

    public init(success: Bool, failure: ErrorDetail?, hex: String) {
        self.success = success
        self.failure = failure
        self.hex = hex
    }
}

/// A Merkle inclusion proof of a transaction id under the header's `transactionsRoot`.
public struct ProofBody: Codable, Sendable, Hashable {
    public var index: UInt32
    public var leafCount: UInt32
    public var siblings: [String]
    /// Canonical bytes of the proof (hex).
    public var hex: String

    public init(index: UInt32, leafCount: UInt32, siblings: [String], hex: String) {
        self.index = index
        self.leafCount = leafCount
        self.siblings = siblings
        self.hex = hex
    }
}
