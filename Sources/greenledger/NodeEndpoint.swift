import Foundation
import Node

/// How the CLI reaches a node: `--node URL` and, for https, the CA from `--ca FILE` or the
/// `GREENLEDGER_CA` environment variable (so a shell session against one network need not
/// repeat it).
enum NodeEndpoint {
    static let caEnvironmentVariable = "GREENLEDGER_CA"

    static func client(url: String, caOption: String?) throws(NodeClientError) -> NodeClient {
        let environment = ProcessInfo.processInfo.environment[caEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        // The variable applies to https URLs only; an explicit --ca with http is still an error.
        let caFile = caOption ?? (url.lowercased().hasPrefix("https://") ? environment : nil)
        return try NodeClient(url: url, caFile: caFile)
    }
}
