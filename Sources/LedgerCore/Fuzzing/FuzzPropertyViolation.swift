/// A decoder broke a property the fuzzing targets check (docs/security.md, "Fuzzing"): it
/// accepted bytes that do not survive encode → decode, or that encode differently. The
/// fuzzer turns it into a crash (so libFuzzer keeps the input); the corpus replay test fails.
public struct FuzzPropertyViolation: Error, CustomStringConvertible, Sendable {
    public let detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { detail }
}
