/// A block header as JSON, with its hash and its canonical bytes (the `hex` is what to hash
/// and check; the other fields are for people).
public struct HeaderBody: Codable, Sendable, Hashable {
    public var chainId: String
    public var height: UInt64
    public var parentHash: String
    public var timestampMillis: UInt64
    public var transactionsRoot: String
    public var transactionCount: UInt32
    public var stateRoot: String
    public var receiptsRoot: String
    /// SHA-256 of `hex`: the block hash the certificate signs.
    public var hash: String
    public var hex: String

    public init(
        chainId: String, height: UInt64, parentHash: String, timestampMillis: UInt64, transactionsRoot: String,
        transactionCount: UInt32, stateRoot: String, receiptsRoot: String, hash: String, hex: String
    ) {
        self.chainId = chainId
        self.height = height
        self.parentHash = parentHash
        self.timestampMillis = timestampMillis
        self.transactionsRoot = transactionsRoot
        self.transactionCount = transactionCount
        self.stateRoot = stateRoot
        self.receiptsRoot = receiptsRoot
        self.hash = hash
        self.hex = hex
    }
}

public struct CertificateBody: Codable, Sendable, Hashable {
    public var view: UInt64
    public var height: UInt64
    public var blockHash: String
    public var signatures: [ValidatorSignatureBody]
    /// Canonical bytes of the certificate (hex).
    public var hex: String

    public init(view: UInt64, height: UInt64, blockHash: String, signatures: [ValidatorSignatureBody], hex: String) {
        self.view = view
        self.height = height
        self.blockHash = blockHash
        self.signatures = signatures
        self.hex = hex
    }
}

public struct ValidatorSignatureBody: Codable, Sendable, Hashable {
    public var validatorIndex: UInt16
    public var signature: String

    public init(validatorIndex: UInt16, signature: String) {
        self.validatorIndex = validatorIndex
        self.signature = signature
    }
}

/// `GET /v1/blocks/{height}`.
public struct BlockBody: Codable, Sendable, Hashable {
    public var height: UInt64
    public var hash: String
    public var header: HeaderBody
    public var transactionIds: [String]
    public var certificate: CertificateBody

    public init(height: UInt64, hash: String, header: HeaderBody, transactionIds: [String], certificate: CertificateBody) {
        self.height = height
        self.hash = hash
        self.header = header
        self.transactionIds = transactionIds
        self.certificate = certificate
    }
}

/// `GET /v1/blocks/{height}/raw` as JSON: canonical bytes for auditors.
public struct RawBlockBody: Codable, Sendable, Hashable {
    public var height: UInt64
    /// Canonical bytes of the block (header and transactions), hex.
    public var block: String
    /// Canonical bytes of its commit certificate, hex.
    public var certificate: String

    public init(height: UInt64, block: String, certificate: String) {
        self.height = height
        self.block = block
        self.certificate = certificate
    }
}
