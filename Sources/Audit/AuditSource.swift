import LedgerCore
import LedgerCrypto
import Storage

/// Where an audit reads a chain from: a data directory (offline, `AuditReader`) or a node's
/// API (online, `RemoteAuditSource`). Everything it returns is untrusted. The requirements
/// are `async` so an online source can wait for the network; the offline reader satisfies
/// them synchronously.
public protocol AuditSource {
    func storedGenesisHash() async throws -> Digest?
    func lastHeight() async throws -> UInt64
    func rawBlocks(_ heights: ClosedRange<UInt64>) async throws -> [RawBlock]
    func receipts(_ heights: ClosedRange<UInt64>) async throws -> [UInt64: [StoredReceipt]]
    /// Nil when the source cannot provide the state (then only roots are compared).
    func stateLeaves() async throws -> [(key: [UInt8], value: [UInt8])]?
    func stateTableRows() async throws -> [StateTables.Row]?
    /// Why the state is not compared when `stateLeaves()` is nil, for the report.
    var stateUnavailableReason: String { get }
}

extension AuditSource {
    public var stateUnavailableReason: String { "the source does not provide the state" }
}

extension AuditReader: AuditSource {
    public func stateLeaves() throws -> [(key: [UInt8], value: [UInt8])]? {
        let leaves: [(key: [UInt8], value: [UInt8])] = try stateLeaves()
        return leaves
    }

    public func stateTableRows() throws -> [StateTables.Row]? {
        let rows: [StateTables.Row] = try stateTableRows()
        return rows
    }
}
