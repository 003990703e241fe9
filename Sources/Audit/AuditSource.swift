import LedgerCore
import LedgerCrypto
import Storage

/// Where an audit reads a chain from: a data directory (offline) or, later, a node's API
/// (online). Everything it returns is untrusted.
public protocol AuditSource {
    func storedGenesisHash() throws -> Digest?
    func lastHeight() throws -> UInt64
    func rawBlocks(_ heights: ClosedRange<UInt64>) throws -> [RawBlock]
    func receipts(_ heights: ClosedRange<UInt64>) throws -> [UInt64: [StoredReceipt]]
    /// Nil when the source cannot provide the state (then only roots are compared).
    func stateLeaves() throws -> [(key: [UInt8], value: [UInt8])]?
    func stateTableRows() throws -> [StateTables.Row]?
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
