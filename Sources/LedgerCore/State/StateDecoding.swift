import LedgerCrypto

/// Decoding stored state leaves back into records, so a node restores its state from storage
/// instead of replaying history.
extension StateKey {
    public init(bytes: [UInt8]) throws(CodecError) {
        var reader = CanonicalReader(bytes)
        let tag = try reader.readUInt8("state key tag")
        switch tag {
        case 1: self = .account(try reader.read(Address.self))
        case 2: self = .project(try reader.read(Identifier.self))
        case 3: self = .vintage(ProjectVintage(projectID: try reader.read(Identifier.self), vintage: try reader.readUInt16("vintage")))
        case 4:
            let key = ProjectVintage(projectID: try reader.read(Identifier.self), vintage: try reader.readUInt16("vintage"))
            self = .attestation(key, sequence: try reader.readUInt32("sequence"))
        case 5: self = .creditBlock(try reader.read(CreditBlockID.self))
        case 6: self = .bond(try reader.read(Identifier.self))
        case 7: self = .allocation(BondProject(bondID: try reader.read(Identifier.self), projectID: try reader.read(Identifier.self)))
        default: throw .unknownTag(type: "state key", tag: tag)
        }
        try reader.finish()
    }
}

extension Account: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        nonce = try reader.readUInt64("nonce")
        let count = try reader.readLength(maximum: 1_024, "balances")
        var balances: [Identifier: UInt64] = [:]
        var previous: Identifier?
        for _ in 0..<count {
            let currency = try reader.read(Identifier.self)
            let amount = try reader.readUInt64("amount")
            guard previous.map({ $0 < currency }) ?? true, amount > 0 else {
                throw .nonCanonical(field: "balances", reason: "currencies must be sorted, unique and non-zero")
            }
            previous = currency
            balances[currency] = amount
        }
        self.balances = balances
    }
}

extension Project: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        projectID = try reader.read(Identifier.self)
        name = try reader.read(Text.self)
        category = try reader.read(TaxonomyCategory.self)
        location = try reader.read(Text.self)
        owner = try reader.read(Address.self)
        registeredAtHeight = try reader.readUInt64("registered at height")
        details = reader.isAtEnd ? nil : try reader.read(ProjectDetails.self)
    }
}

extension VintageAccount: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        attestedKg = try reader.readUInt64("attested")
        issuedKg = try reader.readUInt64("issued")
        retiredKg = try reader.readUInt64("retired")
        attestationCount = try reader.readUInt32("attestation count")
        if !reader.isAtEnd {
            cancelledKg = try reader.readUInt64("cancelled")
            guard cancelledKg > 0 else { throw .nonCanonical(field: "vintage", reason: "a zero cancelled total is not written") }
        }
    }
}

extension Attestation: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        projectID = try reader.read(Identifier.self)
        vintage = try reader.readUInt16("vintage")
        sequence = try reader.readUInt32("sequence")
        verifier = try reader.read(Address.self)
        quantityKg = try reader.readUInt64("quantity")
        reportDigest = try reader.readDigest("report digest")
        height = try reader.readUInt64("height")
        if !reader.isAtEnd {
            monitoringPeriod = try reader.readOptional(MonitoringPeriod.self, "monitoring period")
            revocation = try reader.readOptional(Correction.self, "revocation")
            guard monitoringPeriod != nil || revocation != nil else {
                throw .nonCanonical(field: "attestation", reason: "an attestation without period or revocation ends after its height")
            }
        }
    }
}

extension Retirement: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        beneficiary = try reader.read(Text.self)
        reason = try reader.read(Text.self)
        height = try reader.readUInt64("height")
        transactionID = try reader.readDigest("transaction id")
    }
}

extension CreditBlock: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        id = try reader.read(CreditBlockID.self)
        quantity = try reader.readUInt64("quantity")
        owner = try reader.read(Address.self)
        retirement = try reader.readOptional(Retirement.self, "retirement")
        hold = reader.isAtEnd ? nil : try reader.read(CreditHold.self)
    }
}

extension Bond: CanonicalDecodable {
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        bondID = try reader.read(Identifier.self)
        issuer = try reader.read(Address.self)
        currency = try reader.read(Identifier.self)
        faceValue = try reader.readUInt64("face value")
        termMonths = try reader.readUInt16("term months")
        eligibleCategories = try reader.readArray(of: TaxonomyCategory.self, maximum: Limits.eligibleCategoriesMax, "eligible categories")
        allocated = try reader.readUInt64("allocated")
    }
}

/// A decoded state leaf.
public enum StateRecord: Hashable, Sendable {
    case account(Address, Account)
    case project(Project)
    case vintage(ProjectVintage, VintageAccount)
    case attestation(Attestation)
    case creditBlock(CreditBlock)
    case bond(Bond)
    case allocation(BondProject, UInt64)

    public init(key: StateKey, value: [UInt8]) throws(CodecError) {
        switch key {
        case .account(let address): self = .account(address, try Account(canonicalBytes: value))
        case .project: self = .project(try Project(canonicalBytes: value))
        case .vintage(let projectVintage): self = .vintage(projectVintage, try VintageAccount(canonicalBytes: value))
        case .attestation: self = .attestation(try Attestation(canonicalBytes: value))
        case .creditBlock: self = .creditBlock(try CreditBlock(canonicalBytes: value))
        case .bond: self = .bond(try Bond(canonicalBytes: value))
        case .allocation(let bondProject):
            var reader = CanonicalReader(value)
            let amount = try reader.readUInt64("allocation")
            try reader.finish()
            self = .allocation(bondProject, amount)
        }
    }
}

/// Where a restored state resumes: the last applied block and the recent roots that headers
/// of the next blocks must carry.
public struct StateCheckpoint: Sendable {
    public let height: UInt64
    public let lastBlockHash: Digest
    public let lastTimestampMillis: UInt64
    /// Roots after each recent height (at least the last `stateRootLag` heights).
    public let recentRoots: [UInt64: ExecutionRoots]

    public init(height: UInt64, lastBlockHash: Digest, lastTimestampMillis: UInt64, recentRoots: [UInt64: ExecutionRoots]) {
        self.height = height
        self.lastBlockHash = lastBlockHash
        self.lastTimestampMillis = lastTimestampMillis
        self.recentRoots = recentRoots
    }
}
