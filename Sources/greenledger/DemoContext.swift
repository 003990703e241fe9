import Foundation
import LedgerCore
import LedgerCrypto
import Node

/// What the demo needs to know about the testnet it plays against: the genesis, the demo
/// members' key files and addresses, every validator's API, and this run's directory and
/// tag (so a second run registers new projects instead of colliding with the first).
struct DemoContext {
    let layout: TestnetLayout
    let genesis: Genesis
    /// Client API URL per validator, in index order.
    let nodeURLs: [String]
    /// `--node URL` (with `--ca` for https) per validator: what each CLI step passes.
    let nodeArguments: [[String]]
    /// The testnet's CA when its APIs serve HTTPS.
    let caFile: String?
    /// Where this run writes its files (the verifier's report, the exported proof).
    let runDirectory: String
    /// 1 for the first demo run against this testnet, 2 for the next…
    let run: Int

    static let members = ["cn-registry", "tuv-verifier", "green-bank", "city-issuer", "solar-owner", "regulator"]

    init(directory: String) throws {
        layout = TestnetLayout(directory: directory)
        guard FileManager.default.fileExists(atPath: layout.genesisPath) else {
            throw CLIError("no testnet in \(directory): start one with `greenledger testnet up --dir \(directory)`")
        }
        do { genesis = try Genesis(contentsOfFile: layout.genesisPath) } catch { throw CLIError("\(layout.genesisPath): \(error)") }
        var urls: [String] = []
        var arguments: [[String]] = []
        var https = false
        for index in layout.nodeIndices() {
            let configuration: NodeConfiguration
            do { configuration = try NodeConfiguration.load(home: layout.nodeHome(index)) } catch { throw CLIError("node-\(index): \(error)") }
            urls.append(layout.apiURL(configuration))
            arguments.append(layout.nodeArguments(configuration))
            https = https || configuration.apiCertificate != nil
        }
        guard !urls.isEmpty else { throw CLIError("\(directory) has a genesis but no node-i/node.json; was it made by `greenledger testnet up`?") }
        nodeURLs = urls
        nodeArguments = arguments
        caFile = https ? layout.caPath : nil
        for member in Self.members {
            let path = "\(layout.keysDirectory)/\(member).pem"
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("\(path) is missing: the demo plays the demo consortium that `greenledger testnet up` creates")
            }
        }
        let demoRoot = URL(fileURLWithPath: directory).appendingPathComponent("demo")
        let previous = (try? FileManager.default.contentsOfDirectory(atPath: demoRoot.path)) ?? []
        run = (previous.compactMap { $0.hasPrefix("run-") ? Int($0.dropFirst(4)) : nil }.max() ?? 0) + 1
        runDirectory = demoRoot.appendingPathComponent("run-\(run)").path
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    }

    func keyPath(_ member: String) -> String { "\(layout.keysDirectory)/\(member).pem" }

    func address(_ member: String) throws -> String {
        try KeyFiles.readPrivateKey(keyPath(member)).publicKey.address.description
    }

    var genesisPath: String { layout.genesisPath }
}
