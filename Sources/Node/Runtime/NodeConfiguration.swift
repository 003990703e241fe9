import Foundation
import LedgerCore

/// One validator's configuration: `node.json` in its home directory. Paths are relative to
/// the home directory unless absolute.
///
/// ```json
/// { "genesis": "../genesis.json", "validatorKey": "../keys/validator-0.pem",
///   "dataDirectory": "data", "apiHost": "127.0.0.1", "apiPort": 8100, "logLevel": "info",
///   "apiCertificate": "api-certificate.pem", "apiPrivateKey": "api-key.pem" }
/// ```
/// With `apiCertificate` and `apiPrivateKey` (PEM; both or neither) the API serves HTTPS.
public struct NodeConfiguration: Codable, Sendable, Equatable {
    public var genesis: String
    public var validatorKey: String
    public var dataDirectory: String
    public var apiHost: String
    public var apiPort: Int
    /// Listen for peers on this host instead of the genesis host (e.g. 0.0.0.0 behind NAT).
    public var peerListenHost: String?
    public var logLevel: String
    /// The client API's TLS certificate chain and private key (PEM files); nil: plain HTTP.
    public var apiCertificate: String?
    public var apiPrivateKey: String?

    public init(
        genesis: String, validatorKey: String, dataDirectory: String = "data", apiHost: String = "127.0.0.1", apiPort: Int,
        peerListenHost: String? = nil, logLevel: String = "info"
    ) {
        self.genesis = genesis
        self.validatorKey = validatorKey
        self.dataDirectory = dataDirectory
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.peerListenHost = peerListenHost
        self.logLevel = logLevel
    }

    public static let fileName = "node.json"

    /// The values `logLevel` may take (swift-log's levels).
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case genesis, validatorKey, dataDirectory, apiHost, apiPort, peerListenHost, logLevel, apiCertificate, apiPrivateKey

        static var allNames: Set<String> { Set(allCases.map(\.rawValue)) }
    }

    /// `genesis`, `validatorKey` and `apiPort` are required; the others have the defaults of
    /// `init` (data, 127.0.0.1, info, plain HTTP).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        genesis = try container.decode(String.self, forKey: .genesis)
        validatorKey = try container.decode(String.self, forKey: .validatorKey)
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? "data"
        apiHost = try container.decodeIfPresent(String.self, forKey: .apiHost) ?? "127.0.0.1"
        apiPort = try container.decode(Int.self, forKey: .apiPort)
        peerListenHost = try container.decodeIfPresent(String.self, forKey: .peerListenHost)
        logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel) ?? "info"
        apiCertificate = try container.decodeIfPresent(String.self, forKey: .apiCertificate)
        apiPrivateKey = try container.decodeIfPresent(String.self, forKey: .apiPrivateKey)
    }

    /// A decoding error as a sentence that names the key, not Foundation's debug dump.
    private static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "the key \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type (\(context.debugDescription))"
        case .dataCorrupted(let context)?: "not JSON (\(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription))"
        default: "\(error)"
        }
    }

    /// Reads `home/node.json`, resolving relative paths against `home`.
    public static func load(home: String) throws(NodeError) -> NodeConfiguration {
        let path = (home as NSString).appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .configuration("cannot read \(path): \(error.localizedDescription); create it with `greenledger testnet up` or see docs/operations.md")
        }
        // A misspelt key would otherwise be dropped without a word and its default used.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let unknown = Set(object.keys).subtracting(CodingKeys.allNames).sorted()
            guard unknown.isEmpty else {
                throw .configuration("\(path): unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); the keys are \(CodingKeys.allNames.sorted().joined(separator: ", ")) (docs/operations.md)")
            }
        }
        var configuration: NodeConfiguration
        do { configuration = try JSONDecoder().decode(NodeConfiguration.self, from: data) } catch {
            throw .configuration("\(path) is not a valid node configuration: \(describe(error))")
        }
        guard (1...65_535).contains(configuration.apiPort) else { throw .configuration("\(path): apiPort must be 1…65535, got \(configuration.apiPort)") }
        guard !configuration.apiHost.isEmpty else { throw .configuration("\(path): apiHost is empty; give an address to listen on, e.g. 127.0.0.1") }
        guard logLevels.contains(configuration.logLevel) else {
            throw .configuration("\(path): logLevel \"\(configuration.logLevel)\" is not one of \(logLevels.joined(separator: ", "))")
        }
        // Relative paths are relative to the home directory, which may itself be relative to
        // the working directory (`--home node-0`): made absolute first, so "../genesis.json"
        // from "node-0" is the working directory's genesis.json, not "/genesis.json".
        let absoluteHome = home.hasPrefix("/") ? home : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(home)
        func resolve(_ value: String) -> String {
            value.hasPrefix("/") ? value : URL(fileURLWithPath: absoluteHome).appendingPathComponent(value).standardized.path
        }
        configuration.genesis = resolve(configuration.genesis)
        configuration.validatorKey = resolve(configuration.validatorKey)
        configuration.dataDirectory = resolve(configuration.dataDirectory)
        guard (configuration.apiCertificate == nil) == (configuration.apiPrivateKey == nil) else {
            throw .configuration("\(path): apiCertificate and apiPrivateKey go together (both for HTTPS, neither for plain HTTP)")
        }
        configuration.apiCertificate = configuration.apiCertificate.map(resolve)
        configuration.apiPrivateKey = configuration.apiPrivateKey.map(resolve)
        return configuration
    }

    /// The API's TLS material from `apiCertificate` and `apiPrivateKey`, checked to make a
    /// TLS server; nil when the API serves plain HTTP.
    public func apiTLS() throws(NodeError) -> APITLS? {
        guard let apiCertificate, let apiPrivateKey else { return nil }
        func read(_ path: String, _ what: String) throws(NodeError) -> String {
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw .configuration("cannot read the API \(what) \(path): \(error.localizedDescription)")
            }
        }
        let tls = APITLS(certificateChainPEM: try read(apiCertificate, "certificate"), privateKeyPEM: try read(apiPrivateKey, "private key"))
        do { _ = try tls.makeServerContext() } catch { throw .configuration("\(apiCertificate), \(apiPrivateKey): \(error)") }
        return tls
    }

    public func write(home: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try encoder.encode(self).write(to: URL(fileURLWithPath: home).appendingPathComponent(NodeConfiguration.fileName))
    }
}

/// Why a node cannot start or had to stop.
public enum NodeError: Error, CustomStringConvertible {
    case configuration(String)
    case startup(String)

    public var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .startup(let message): "cannot start: \(message)"
        }
    }
}
