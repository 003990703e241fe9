/// What a registry's and a regulator's reports need to know about a project beyond its
/// name: the host country, the crediting methodology (`ACM0002`, `VM0042`) and the
/// registry program it is listed under (`verra-vcs`, `gold-standard`, `cdm`).
/// Carried by `register-project` on a format-2 genesis, where it is required.
public struct ProjectDetails: Hashable, Sendable {
    public var hostCountry: CountryCode
    public var methodology: Identifier
    public var program: Identifier

    public init(hostCountry: CountryCode, methodology: Identifier, program: Identifier) {
        self.hostCountry = hostCountry
        self.methodology = methodology
        self.program = program
    }
}

extension ProjectDetails: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(hostCountry)
        writer.write(methodology)
        writer.write(program)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        hostCountry = try reader.read(CountryCode.self)
        methodology = try reader.read(Identifier.self)
        program = try reader.read(Identifier.self)
    }
}
