import Foundation

/// How every `--json` output is written: pretty, sorted keys, and keys spelled as the client
/// API spells them — `chainId`, `bondId`, `projectId`, `transactionId` — whatever the Swift
/// property is called (`bondID`), so one program reads every command's JSON the same way.
/// Amounts are decimal strings of minor units (`ExactAmount`).
enum CLIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in APIKey(CLIJSON.apiSpelling(path.last?.stringValue ?? "")) }
        return encoder
    }

    static func render(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// `bondID` → `bondId`, `projectIDs` → `projectIds`: "ID" after a lowercase letter.
    static func apiSpelling(_ key: String) -> String {
        var characters = Array(key)
        var index = 1
        while index + 1 < characters.count {
            if characters[index] == "I", characters[index + 1] == "D", characters[index - 1].isLowercase {
                characters[index + 1] = "d"
            }
            index += 1
        }
        return String(characters)
    }

    private struct APIKey: CodingKey {
        let stringValue: String
        init(_ value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
