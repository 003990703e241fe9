import Node

/// An error the CLI reports in one line, with what to do about it; exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}

extension CLIError {
    /// A node client's error as the CLI says it: a "not found" from the API points at the
    /// `greenledger` command that lists what exists, not at a raw API path.
    init(_ error: NodeClientError) {
        guard case .api(404, let code, let message) = error else {
            self.init("\(error)")
            return
        }
        let subject = message.split(separator: ";", maxSplits: 1).first.map(String.init) ?? message
        let hint: String? =
            switch code {
            case "unknown-project": "`greenledger query projects` lists them"
            case "unknown-bond": "`greenledger query bonds` lists them"
            case "unknown-block": "`greenledger status --node URL` shows the node's height"
            case "unknown-account": "`greenledger query accounts` lists the members' accounts"
            default: nil
            }
        self.init(hint.map { "\(subject); \($0)" } ?? "\(error)")
    }
}
