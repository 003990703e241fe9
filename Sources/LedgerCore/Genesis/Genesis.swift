import LedgerCrypto

/// The chain's founding document: who validates, who is a member with which roles, the
/// opening balances and the consensus parameters. Its hash (`hash`, over the canonical
/// encoding, not the JSON text) is the trust anchor every vote, handshake and audit binds to.
public struct Genesis: Hashable, Sendable {
    /// 1: no `rules`; 2: with `rules` (`LedgerRules`). The version follows from the content, so a
    /// format-1 genesis keeps its bytes and its hash.
    public static let formatVersion: UInt8 = 2
    public var formatVersion: UInt8 { rules == nil ? 1 : 2 }
    static let hashDomain = Array("GL/v1/genesis".utf8)

    public var chainID: Identifier
    public var genesisTimeMillis: UInt64
    public var validators: [ValidatorInfo]
    public var members: [Member]
    public var balances: [InitialBalance]
    public var consensus: ConsensusParameters
    /// The consortium's green-finance rules (format 2); nil in a format-1 genesis.
    public var rules: LedgerRules?

    public init(
        chainID: Identifier, genesisTimeMillis: UInt64, validators: [ValidatorInfo], members: [Member],
        balances: [InitialBalance], consensus: ConsensusParameters, rules: LedgerRules? = nil
    ) {
        self.rules = rules
        self.chainID = chainID
        self.genesisTimeMillis = genesisTimeMillis
        self.validators = validators
        self.members = members
        self.balances = balances
        self.consensus = consensus
    }

    public var hash: Digest {
        var writer = CanonicalWriter(capacity: 1_024)
        writer.writeFixed(Genesis.hashDomain)
        encode(to: &writer)
        return SHA256.hash(writer.bytes)
    }

    public var validatorSet: ValidatorSet { ValidatorSet(keys: validators.map(\.publicKey)) }

    public func member(named name: Identifier) -> Member? { members.first { $0.name == name } }
    public func member(at address: Address) -> Member? { members.first { $0.publicKey.address == address } }
}

/// A validator node: its name, the key it signs consensus messages with, and where its
/// peers reach it.
public struct ValidatorInfo: Hashable, Sendable {
    public var name: Identifier
    public var publicKey: PublicKey
    public var host: String
    public var port: UInt16

    public init(name: Identifier, publicKey: PublicKey, host: String, port: UInt16) {
        self.name = name
        self.publicKey = publicKey
        self.host = host
        self.port = port
    }
}

/// A consortium member: the key it signs transactions with and what it may do.
public struct Member: Hashable, Sendable {
    public var name: Identifier
    public var publicKey: PublicKey
    /// Sorted, no repeats.
    public var roles: [Role]

    public init(name: Identifier, publicKey: PublicKey, roles: [Role]) {
        self.name = name
        self.publicKey = publicKey
        self.roles = Array(Set(roles)).sorted()
    }

    public var address: Address { publicKey.address }
    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// Funds a member holds at genesis, in minor units of `currency`.
public struct InitialBalance: Hashable, Sendable {
    public var member: Identifier
    public var currency: Identifier
    public var amount: UInt64

    public init(member: Identifier, currency: Identifier, amount: UInt64) {
        self.member = member
        self.currency = currency
        self.amount = amount
    }
}

/// Consensus settings every validator must share.
public struct ConsensusParameters: Hashable, Sendable {
    /// Most transactions in one block.
    public var batchSizeMax: UInt32
    /// A checkpoint every this many blocks.
    public var checkpointInterval: UInt32
    /// Headers carry the state and receipts roots after block height − lag (≥ 1).
    public var stateRootLag: UInt32
    /// Heights in flight above the last stable checkpoint (the watermark window).
    public var watermarkWindow: UInt32
    /// How often the host ticks the consensus core.
    public var tickMillis: UInt32
    /// Ticks before a backup suspects the primary; doubles per failed view up to the max.
    public var viewTimeoutTicks: UInt32
    public var viewTimeoutMaxTicks: UInt32
    /// How far a block's timestamp may run ahead of a replica's clock.
    public var clockSkewMaxMillis: UInt64

    public init(
        batchSizeMax: UInt32 = 500, checkpointInterval: UInt32 = 16, stateRootLag: UInt32 = 1,
        watermarkWindow: UInt32 = 64, tickMillis: UInt32 = 100, viewTimeoutTicks: UInt32 = 20,
        viewTimeoutMaxTicks: UInt32 = 320, clockSkewMaxMillis: UInt64 = 5_000
    ) {
        self.batchSizeMax = batchSizeMax
        self.checkpointInterval = checkpointInterval
        self.stateRootLag = stateRootLag
        self.watermarkWindow = watermarkWindow
        self.tickMillis = tickMillis
        self.viewTimeoutTicks = viewTimeoutTicks
        self.viewTimeoutMaxTicks = viewTimeoutMaxTicks
        self.clockSkewMaxMillis = clockSkewMaxMillis
    }
}
