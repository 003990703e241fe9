/// Why the store refused or failed. Each case says what an operator can do.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case sqlite(statement: String, reason: String)
    case schemaVersion(found: Int64, supported: Int64)
    case otherChain(storedGenesis: String, expectedGenesis: String)
    case notNextBlock(expected: UInt64, got: UInt64)
    case corrupt(String)
    case injectedFailure(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the ledger database \(path): \(reason)"
        case .sqlite(let statement, let reason): "SQLite failed (\(reason)) in: \(statement)"
        case .schemaVersion(let found, let supported):
            "the data directory has schema version \(found); this build reads version \(supported) — use the matching greenledger release"
        case .otherChain(let stored, let expected):
            "the data directory belongs to genesis \(stored), not \(expected) — point --data-dir at this chain's data"
        case .notNextBlock(let expected, let got): "expected to store block \(expected), got \(got)"
        case .corrupt(let detail): "the store is damaged: \(detail)"
        case .injectedFailure(let point): "injected failure at \(point) (tests only)"
        }
    }
}
