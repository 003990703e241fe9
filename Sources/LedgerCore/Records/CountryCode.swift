/// An ISO 3166-1 alpha-2 country code (`CN`, `DE`, `BR`): where a project is hosted.
/// Only officially assigned codes are accepted, from the list below — a fixed list in the
/// code, not the platform's locale tables, so every replica and auditor agrees on it. Adding
/// a code ISO assigns later is a rule change, like any other.
public struct CountryCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) throws(LedgerError) {
        guard CountryCode.assigned.contains(value) else {
            throw .invalidField(
                field: "host country",
                reason: "\"\(value.prefix(16))\" is not an ISO 3166-1 alpha-2 code (two capital letters such as CN, DE, BR)")
        }
        self.value = value
    }

    public var description: String { value }

    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.value < rhs.value }

    /// The 249 officially assigned ISO 3166-1 alpha-2 codes.
    public static let assigned: Set<String> = Set([
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ",
        "BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR",
        "CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR",
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU",
        "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ",
        "LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ",
        "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF",
        "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI",
        "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR",
        "TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW",
    ].flatMap { $0.split(separator: " ").map(String.init) })
}

extension CountryCode: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.writeFixed(value.utf8) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let bytes = try reader.readFixed(2, "host country")
        let text = String(decoding: bytes, as: UTF8.self)
        guard CountryCode.assigned.contains(text) else {
            throw .invalidValue(field: "host country", reason: "not an assigned ISO 3166-1 alpha-2 code")
        }
        value = text
    }
}
