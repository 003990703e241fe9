import LedgerCrypto

/// The key of one leaf of the world state. Its canonical bytes start with a kind tag, so
/// keys of different kinds never collide.
public enum StateKey: Hashable, Sendable, Comparable {
    case account(Address)
    case project(Identifier)
    case vintage(ProjectVintage)
    case attestation(ProjectVintage, sequence: UInt32)
    case creditBlock(CreditBlockID)
    case bond(Identifier)
    case allocation(BondProject)

    public var bytes: [UInt8] {
        var writer = CanonicalWriter(capacity: 96)
        switch self {
        case .account(let address):
            writer.write(UInt8(1))
            writer.write(address)
        case .project(let projectID):
            writer.write(UInt8(2))
            writer.write(projectID)
        case .vintage(let key):
            writer.write(UInt8(3))
            writer.write(key.projectID)
            writer.write(key.vintage)
        case .attestation(let key, let sequence):
            writer.write(UInt8(4))
            writer.write(key.projectID)
            writer.write(key.vintage)
            writer.write(sequence)
        case .creditBlock(let id):
            writer.write(UInt8(5))
            writer.write(id)
        case .bond(let bondID):
            writer.write(UInt8(6))
            writer.write(bondID)
        case .allocation(let key):
            writer.write(UInt8(7))
            writer.write(key.bondID)
            writer.write(key.projectID)
        }
        return writer.bytes
    }

    public static func < (lhs: StateKey, rhs: StateKey) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension Account: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(nonce)
        let sorted = balances.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        writer.write(UInt32(sorted.count))
        for (currency, amount) in sorted {
            writer.write(currency)
            writer.write(amount)
        }
    }
}

extension Project: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(projectID)
        writer.write(name)
        writer.write(category)
        writer.write(location)
        writer.write(owner)
        writer.write(registeredAtHeight)
        // Format-2 records append what they carry, so a format-1 leaf keeps its bytes and root.
        if let details { writer.write(details) }
    }
}

extension VintageAccount: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(attestedKg)
        writer.write(issuedKg)
        writer.write(retiredKg)
        writer.write(attestationCount)
        if cancelledKg > 0 { writer.write(cancelledKg) }
    }
}

extension Attestation: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(projectID)
        writer.write(vintage)
        writer.write(sequence)
        writer.write(verifier)
        writer.write(quantityKg)
        writer.write(reportDigest)
        writer.write(height)
        if monitoringPeriod != nil || revocation != nil {
            writer.write(monitoringPeriod)
            writer.write(revocation)
        }
    }
}

extension CreditBlock: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(id)
        writer.write(quantity)
        writer.write(owner)
        writer.write(retirement)
        if let hold { writer.write(hold) }
    }
}

extension Correction: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(reason)
        writer.write(height)
        writer.write(transactionID)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        reason = try reader.read(Text.self)
        height = try reader.readUInt64("height")
        transactionID = try reader.readDigest("transaction id")
    }
}

extension CreditHold: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(kind.rawValue)
        writer.write(correction)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let raw = try reader.readUInt8("hold")
        guard let kind = Kind(rawValue: raw) else { throw .unknownTag(type: "credit hold", tag: raw) }
        self.kind = kind
        correction = try reader.read(Correction.self)
    }
}

extension Retirement: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(beneficiary)
        writer.write(reason)
        writer.write(height)
        writer.write(transactionID)
    }
}

extension Bond: CanonicalEncodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(bondID)
        writer.write(issuer)
        writer.write(currency)
        writer.write(faceValue)
        writer.write(termMonths)
        writer.write(eligibleCategories, maximum: Limits.eligibleCategoriesMax)
        writer.write(allocated)
    }
}

/// One write to the world state by a block: the new value's canonical bytes, or nil when
/// the key was removed. Storage persists these with the block, in one SQLite transaction.
public struct StateChange: Hashable, Sendable {
    public let key: StateKey
    /// `key.bytes`, encoded once.
    public let keyBytes: [UInt8]
    public let value: [UInt8]?

    public init(key: StateKey, keyBytes: [UInt8], value: [UInt8]?) {
        self.key = key
        self.keyBytes = keyBytes
        self.value = value
    }
}
