/// Which chain and heights a report covers; every report is computed from an audit of exactly
/// these blocks that passed.
public struct ReportScope: Codable, Sendable, Equatable {
    public var chainID: String
    public var genesisHash: String
    public var fromHeight: UInt64
    public var toHeight: UInt64

    public init(chainID: String, genesisHash: String, fromHeight: UInt64, toHeight: UInt64) {
        self.chainID = chainID
        self.genesisHash = genesisHash
        self.fromHeight = fromHeight
        self.toHeight = toHeight
    }

    public init(_ report: AuditReport) {
        self.init(chainID: report.chainID, genesisHash: report.genesisHash, fromHeight: report.fromHeight, toHeight: report.toHeight)
    }

    /// The title line: what, which chain, which genesis, which heights.
    public func title(_ what: String) -> String {
        let range = toHeight == 0 ? "no blocks yet" : "blocks \(fromHeight)…\(toHeight)"
        return "\(what): chain \(chainID), genesis \(genesisHash), \(range) (audited)"
    }
}
