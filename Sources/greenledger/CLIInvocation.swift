import ArgumentParser

/// Runs a `greenledger` command line in this process, exactly as the binary would parse and
/// run it — the demo's way of going through the public CLI rather than around it.
enum CLIInvocation {
    static func run(_ arguments: [String]) async throws {
        let command = try GreenLedgerCommand.parseAsRoot(arguments)
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            var syncCommand = command
            try syncCommand.run()
        }
    }

    /// The command line as a user would type it: this binary as it was invoked (so the line
    /// can be pasted even when `greenledger` is not on PATH, e.g. `.build/debug/greenledger`),
    /// and arguments with spaces or quotes quoted.
    static func display(_ arguments: [String]) -> String {
        ([invokedAs] + arguments).map(quoted).joined(separator: " ")
    }

    static var invokedAs: String { CommandLine.arguments.first.flatMap { $0.isEmpty ? nil : $0 } ?? "greenledger" }

    private static func quoted(_ argument: String) -> String {
        let plain = argument.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./:=,@%+".unicodeScalars.contains(scalar))
        }
        if plain && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
