import LedgerCrypto

extension Payload: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(tag)
        switch self {
        case .transferFunds(let body):
            writer.write(body.to)
            writer.write(body.currency)
            writer.write(body.amount)
            writer.write(body.category)
            writer.write(body.purpose)
        case .registerProject(let body):
            writer.write(body.projectID)
            writer.write(body.name)
            writer.write(body.category)
            writer.write(body.location)
            writer.write(body.owner)
            if let details = body.details { writer.write(details) }
        case .attestReduction(let body):
            writer.write(body.projectID)
            writer.write(body.vintage)
            writer.write(body.quantityKg)
            writer.write(body.reportDigest)
            if let period = body.monitoringPeriod { writer.write(period) }
        case .issueCredits(let body):
            writer.write(body.projectID)
            writer.write(body.vintage)
            writer.write(body.firstSerial)
            writer.write(body.quantity)
            writer.write(body.owner)
        case .transferCredits(let body):
            writer.write(body.block)
            writer.write(body.quantity)
            writer.write(body.to)
        case .retireCredits(let body):
            writer.write(body.block)
            writer.write(body.quantity)
            writer.write(body.beneficiary)
            writer.write(body.reason)
        case .issueBond(let body):
            writer.write(body.bondID)
            writer.write(body.currency)
            writer.write(body.faceValue)
            writer.write(body.termMonths)
            writer.write(body.eligibleCategories, maximum: Limits.eligibleCategoriesMax)
        case .allocateProceeds(let body):
            writer.write(body.bondID)
            writer.write(body.projectID)
            writer.write(body.amount)
        case .revokeAttestation(let body):
            writer.write(body.projectID)
            writer.write(body.vintage)
            writer.write(body.sequence)
            writer.write(body.reason)
        case .cancelCredits(let body), .suspendCredits(let body), .reinstateCredits(let body):
            writer.write(body.block)
            writer.write(body.quantity)
            writer.write(body.reason)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let tag = try reader.readUInt8("payload tag")
        switch tag {
        case 1:
            self = .transferFunds(TransferFunds(
                to: try reader.read(Address.self), currency: try reader.read(Identifier.self),
                amount: try reader.readUInt64("amount"), category: try reader.read(TaxonomyCategory.self),
                purpose: try reader.read(Text.self)))
        case 2, 9:
            self = .registerProject(RegisterProject(
                projectID: try reader.read(Identifier.self), name: try reader.read(Text.self),
                category: try reader.read(TaxonomyCategory.self), location: try reader.read(Text.self),
                owner: try reader.read(Address.self), details: tag == 9 ? try reader.read(ProjectDetails.self) : nil))
        case 3, 10:
            let projectID = try reader.read(Identifier.self)
            let vintage = try reader.readUInt16("vintage")
            let quantityKg = try reader.readUInt64("quantity")
            let reportDigest = try reader.readDigest("report digest")
            let period = tag == 10 ? try reader.read(MonitoringPeriod.self) : nil
            if let period, !period.covers(vintage: vintage) {
                throw .invalidValue(field: "monitoring period", reason: "vintage \(vintage) is not within \(period)")
            }
            self = .attestReduction(AttestReduction(
                projectID: projectID, vintage: vintage, quantityKg: quantityKg, reportDigest: reportDigest, monitoringPeriod: period))
        case 4:
            self = .issueCredits(IssueCredits(
                projectID: try reader.read(Identifier.self), vintage: try reader.readUInt16("vintage"),
                firstSerial: try reader.readUInt64("first serial"), quantity: try reader.readUInt64("quantity"),
                owner: try reader.read(Address.self)))
        case 5:
            self = .transferCredits(TransferCredits(
                block: try reader.read(CreditBlockID.self), quantity: try reader.readUInt64("quantity"),
                to: try reader.read(Address.self)))
        case 6:
            self = .retireCredits(RetireCredits(
                block: try reader.read(CreditBlockID.self), quantity: try reader.readUInt64("quantity"),
                beneficiary: try reader.read(Text.self), reason: try reader.read(Text.self)))
        case 7:
            let bondID = try reader.read(Identifier.self)
            let currency = try reader.read(Identifier.self)
            let faceValue = try reader.readUInt64("face value")
            let termMonths = try reader.readUInt16("term months")
            let categories = try reader.readArray(
                of: TaxonomyCategory.self, maximum: Limits.eligibleCategoriesMax, "eligible categories")
            guard zip(categories, categories.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw .nonCanonical(field: "eligible categories", reason: "must be sorted with no repeats")
            }
            self = .issueBond(IssueBond(
                bondID: bondID, currency: currency, faceValue: faceValue, termMonths: termMonths,
                eligibleCategories: categories))
        case 8:
            self = .allocateProceeds(AllocateProceeds(
                bondID: try reader.read(Identifier.self), projectID: try reader.read(Identifier.self),
                amount: try reader.readUInt64("amount")))
        case 11:
            self = .revokeAttestation(RevokeAttestation(
                projectID: try reader.read(Identifier.self), vintage: try reader.readUInt16("vintage"),
                sequence: try reader.readUInt32("sequence"), reason: try reader.read(Text.self)))
        case 12, 13, 14:
            let body = CreditCorrection(
                block: try reader.read(CreditBlockID.self), quantity: try reader.readUInt64("quantity"), reason: try reader.read(Text.self))
            self = tag == 12 ? .cancelCredits(body) : tag == 13 ? .suspendCredits(body) : .reinstateCredits(body)
        default:
            throw .unknownTag(type: "payload", tag: tag)
        }
    }
}

extension CreditBlockID: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(projectID)
        writer.write(vintage)
        writer.write(firstSerial)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        projectID = try reader.read(Identifier.self)
        vintage = try reader.readUInt16("vintage")
        firstSerial = try reader.readUInt64("first serial")
    }
}
