/// `GET /v1/accounts/{address}`. Amounts are decimal strings: minor units can exceed the
/// integers JavaScript represents exactly.
public struct AccountBody: Codable, Sendable, Hashable {
    public var address: String
    public var nonce: UInt64
    /// Sorted by currency; zero balances are omitted.
    public var balances: [BalanceBody]

    public init(address: String, nonce: UInt64, balances: [BalanceBody]) {
        self.address = address
        self.nonce = nonce
        self.balances = balances
    }
}

public struct BalanceBody: Codable, Sendable, Hashable {
    public var currency: String
    public var amount: String

    public init(currency: String, amount: String) {
        self.currency = currency
        self.amount = amount
    }
}

/// `GET /v1/status`.
public struct StatusBody: Codable, Sendable, Hashable {
    public var chainId: String
    public var genesisHash: String
    public var nodeName: String
    public var height: UInt64
    public var lastBlockHash: String
    public var view: UInt64
    public var primary: String
    public var peersConnected: Int
    public var peersTotal: Int
    public var mempoolSize: Int
    public var mempoolBytes: Int
    /// Seconds since the node last committed a block (or started).
    public var secondsSinceCommit: UInt64?
    /// `"ok"` or `"degraded"`, as `GET /health` answers.
    public var health: String?
    /// Why the node is degraded; absent when it is healthy.
    public var problems: [HealthProblemBody]?

    public init(
        chainId: String, genesisHash: String, nodeName: String, height: UInt64, lastBlockHash: String, view: UInt64,
        primary: String, peersConnected: Int, peersTotal: Int, mempoolSize: Int, mempoolBytes: Int,
        secondsSinceCommit: UInt64? = nil, health: String? = nil, problems: [HealthProblemBody]? = nil
    ) {
        self.secondsSinceCommit = secondsSinceCommit
        self.health = health
        self.problems = problems
        self.chainId = chainId
        self.genesisHash = genesisHash
        self.nodeName = nodeName
        self.height = height
        self.lastBlockHash = lastBlockHash
        self.view = view
        self.primary = primary
        self.peersConnected = peersConnected
        self.peersTotal = peersTotal
        self.mempoolSize = mempoolSize
        self.mempoolBytes = mempoolBytes
    }
}

/// `GET /health`: 200 `{"status": "ok"}`, or 503 `{"status": "degraded", "problems": [...]}`.
public struct HealthBody: Codable, Sendable, Hashable {
    public var status: String
    public var problems: [HealthProblemBody]?

    public init(status: String, problems: [HealthProblemBody]? = nil) {
        self.status = status
        self.problems = problems
    }
}

/// One of `NodeHealth`'s problems: a stable `code` (`no-quorum`, `stalled`) and a sentence.
public struct HealthProblemBody: Codable, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
