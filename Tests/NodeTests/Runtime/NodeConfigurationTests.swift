import Foundation
import Node
import Testing

/// node.json: keys or values that would otherwise be ignored without a word. (A relative
/// `--home` is exercised end to end: OperatorEndToEndTests.)
@Suite("node.json")
struct NodeConfigurationTests {
    /// A scratch directory holding `consortium/node-0/node.json` with `json`.
    private func home(_ json: String) throws -> (root: String, home: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("node-config-\(UUID().uuidString)").path
        let home = "\(root)/consortium/node-0"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try json.write(toFile: "\(home)/node.json", atomically: true, encoding: .utf8)
        return (root, home)
    }

    private let valid = #"{"genesis": "../genesis.json", "validatorKey": "../keys/validator-0.pem", "dataDirectory": "data", "apiHost": "127.0.0.1", "apiPort": 8100, "logLevel": "info"}"#

    @Test("an unknown key is refused with its name and the keys there are")
    func unknownKey() throws {
        let (root, home) = try home(valid.replacingOccurrences(of: #""logLevel""#, with: #""loglevel""#))
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect {
            try NodeConfiguration.load(home: home)
        } throws: { error in
            let text = "\(error)"
            return text.contains(#"unknown key "loglevel""#) && text.contains("apiCertificate")
        }
    }

    @Test("an invalid logLevel is refused, naming the levels")
    func invalidLogLevel() throws {
        let (root, home) = try home(valid.replacingOccurrences(of: #""info""#, with: #""verbose""#))
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect {
            try NodeConfiguration.load(home: home)
        } throws: { error in
            "\(error)".contains(#"logLevel "verbose" is not one of trace, debug, info"#)
        }
    }

    @Test("a missing key is named, not dumped as a decoding error")
    func missingKey() throws {
        let (root, home) = try home(#"{"genesis": "../genesis.json", "dataDirectory": "data", "apiHost": "127.0.0.1", "apiPort": 8100, "logLevel": "info"}"#)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect {
            try NodeConfiguration.load(home: home)
        } throws: { error in
            "\(error)".contains(#"the key "validatorKey" is missing"#)
        }
    }
}
