/// The closed list of eligible green project categories. Each follows one of the ICMA Green
/// Bond Principles' project categories and names the matching first-level section of China's
/// Green Bond Endorsed Projects Catalogue (2021 edition) where there is one (see docs/formats.md).
/// Codes are stable: they are part of the signed encoding.
public enum TaxonomyCategory: UInt8, CaseIterable, Sendable, Comparable, Codable, CustomStringConvertible {
    case renewableEnergy = 1
    case energyEfficiency = 2
    case pollutionPreventionAndControl = 3
    case sustainableLandUseAndNaturalResources = 4
    case biodiversityConservation = 5
    case cleanTransportation = 6
    case sustainableWaterAndWastewater = 7
    case climateChangeAdaptation = 8
    case circularEconomy = 9
    case greenBuildings = 10

    /// The kebab-case name used in JSON, the CLI and reports.
    public var name: String {
        switch self {
        case .renewableEnergy: "renewable-energy"
        case .energyEfficiency: "energy-efficiency"
        case .pollutionPreventionAndControl: "pollution-prevention"
        case .sustainableLandUseAndNaturalResources: "sustainable-land-use"
        case .biodiversityConservation: "biodiversity"
        case .cleanTransportation: "clean-transportation"
        case .sustainableWaterAndWastewater: "water-wastewater"
        case .climateChangeAdaptation: "climate-adaptation"
        case .circularEconomy: "circular-economy"
        case .greenBuildings: "green-buildings"
        }
    }

    public init?(name: String) {
        guard let match = TaxonomyCategory.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var description: String { name }

    public static func < (lhs: TaxonomyCategory, rhs: TaxonomyCategory) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let category = TaxonomyCategory(name: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown taxonomy category \"\(text)\"; one of: \(TaxonomyCategory.allCases.map(\.name).joined(separator: ", "))"))
        }
        self = category
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

extension TaxonomyCategory: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(rawValue) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let tag = try reader.readUInt8("taxonomy category")
        guard let category = TaxonomyCategory(rawValue: tag) else { throw .unknownTag(type: "taxonomy category", tag: tag) }
        self = category
    }
}

/// What a member may do. A member can hold several roles.
public enum Role: UInt8, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// Issues carbon credits against verified reductions.
    case registry = 1
    /// Accredited third party that attests measured emission reductions (MRV).
    case verifier = 2
    /// Issues green bonds and allocates their proceeds.
    case issuer = 3
    /// Holds and moves funds and credits; registers projects.
    case participant = 4
    /// Reads and audits; signs nothing that changes state except its nonce.
    case auditor = 5

    public var name: String {
        switch self {
        case .registry: "registry"
        case .verifier: "verifier"
        case .issuer: "issuer"
        case .participant: "participant"
        case .auditor: "auditor"
        }
    }

    public init?(name: String) {
        guard let match = Role.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var description: String { name }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Role: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(rawValue) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let tag = try reader.readUInt8("role")
        guard let role = Role(rawValue: tag) else { throw .unknownTag(type: "role", tag: tag) }
        self = role
    }
}
