/// An error the CLI reports in one line, with what to do about it; exits non-zero.
struct CLIError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
