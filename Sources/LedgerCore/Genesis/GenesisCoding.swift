import LedgerCrypto

extension Genesis: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(formatVersion)
        writer.write(chainID)
        writer.write(genesisTimeMillis)
        writer.write(validators, maximum: Limits.validatorsMax)
        writer.write(members, maximum: Limits.membersMax)
        writer.write(balances, maximum: Limits.membersMax * 16)
        writer.write(consensus)
        if let rules { writer.write(rules) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let version = try reader.readUInt8("genesis version")
        guard version == 1 || version == 2 else { throw .unsupportedVersion(type: "genesis", version: version) }
        chainID = try reader.read(Identifier.self)
        genesisTimeMillis = try reader.readUInt64("genesis time")
        validators = try reader.readArray(of: ValidatorInfo.self, maximum: Limits.validatorsMax, "validators")
        members = try reader.readArray(of: Member.self, maximum: Limits.membersMax, "members")
        balances = try reader.readArray(of: InitialBalance.self, maximum: Limits.membersMax * 16, "balances")
        consensus = try reader.read(ConsensusParameters.self)
        rules = version == 2 ? try reader.read(LedgerRules.self) : nil
    }
}

extension ValidatorInfo: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(name)
        writer.write(publicKey)
        writer.write(host, maximum: 253)
        writer.write(port)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        name = try reader.read(Identifier.self)
        publicKey = try reader.read(PublicKey.self)
        host = try reader.readString(maximum: 253, "host")
        port = try reader.readUInt16("port")
    }
}

extension Member: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(name)
        writer.write(publicKey)
        writer.write(roles, maximum: Role.allCases.count)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        name = try reader.read(Identifier.self)
        publicKey = try reader.read(PublicKey.self)
        roles = try reader.readArray(of: Role.self, maximum: Role.allCases.count, "roles")
        guard zip(roles, roles.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .nonCanonical(field: "roles", reason: "must be sorted with no repeats")
        }
    }
}

extension InitialBalance: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(member)
        writer.write(currency)
        writer.write(amount)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        member = try reader.read(Identifier.self)
        currency = try reader.read(Identifier.self)
        amount = try reader.readUInt64("amount")
    }
}

extension ConsensusParameters: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(batchSizeMax)
        writer.write(checkpointInterval)
        writer.write(stateRootLag)
        writer.write(watermarkWindow)
        writer.write(tickMillis)
        writer.write(viewTimeoutTicks)
        writer.write(viewTimeoutMaxTicks)
        writer.write(clockSkewMaxMillis)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        batchSizeMax = try reader.readUInt32("batch size max")
        checkpointInterval = try reader.readUInt32("checkpoint interval")
        stateRootLag = try reader.readUInt32("state root lag")
        watermarkWindow = try reader.readUInt32("watermark window")
        tickMillis = try reader.readUInt32("tick millis")
        viewTimeoutTicks = try reader.readUInt32("view timeout ticks")
        viewTimeoutMaxTicks = try reader.readUInt32("view timeout max ticks")
        clockSkewMaxMillis = try reader.readUInt64("clock skew max millis")
    }
}
