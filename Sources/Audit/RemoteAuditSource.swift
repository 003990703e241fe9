import LedgerCore
import LedgerCrypto
import Storage

/// An `AuditSource` over a node's chain export (GET /v1/chain, docs/api.md), for the online
/// audit. It knows nothing about HTTP: `fetch(from, count)` returns the export's bytes (the
/// CLI passes a NodeClient call), which keeps Audit below Node in the layering. The genesis
/// hash and height come from the node's status, read once at the start; blocks committed
/// later are not audited. Nothing fetched is trusted: the export is decoded strictly and
/// handed undecoded-per-field to the same ChainAuditor checks as the offline audit.
///
/// While the auditor checks one batch, the next batch is already being fetched.
public final class RemoteAuditSource: AuditSource {
    public typealias Fetch = @Sendable (_ from: UInt64, _ count: Int) async throws -> [UInt8]

    private let genesisHash: Digest?
    private let height: UInt64
    private let batchBlocks: Int
    private let fetch: Fetch
    private var prefetchFrom: UInt64 = 0
    private var prefetchTask: Task<[ChainExport.Entry], any Error>?
    private var receiptsByHeight: [UInt64: [StoredReceipt]] = [:]

    /// `genesisHash` and `height` as the node's status reported them.
    public init(genesisHash: Digest?, height: UInt64, batchBlocks: Int = 128, fetch: @escaping Fetch) {
        self.genesisHash = genesisHash
        self.height = height
        self.batchBlocks = max(1, min(batchBlocks, ChainExport.entriesMax))
        self.fetch = fetch
    }

    deinit { prefetchTask?.cancel() }

    public func storedGenesisHash() -> Digest? { genesisHash }
    public func lastHeight() -> UInt64 { height }
    public var stateUnavailableReason: String { "online: the node's state tables are not fetched; every state root is checked by replay" }
    public func stateLeaves() -> [(key: [UInt8], value: [UInt8])]? { nil }
    public func stateTableRows() -> [StateTables.Row]? { nil }

    public func rawBlocks(_ heights: ClosedRange<UInt64>) async throws -> [RawBlock] {
        var entries: [ChainExport.Entry] = []
        var next = heights.lowerBound
        while next <= heights.upperBound {
            let got = try await fetchEntries(from: next, count: Int(heights.upperBound - next + 1))
            // A short or misordered answer is the auditor's finding, at the height it concerns.
            guard let last = got.last, got.first?.raw.height == next else { break }
            entries += got
            guard last.raw.height >= next, last.raw.height < heights.upperBound else { break }
            next = last.raw.height + 1
        }
        receiptsByHeight = [:]
        for entry in entries where receiptsByHeight[entry.raw.height] == nil {
            receiptsByHeight[entry.raw.height] = entry.receipts.enumerated().map { StoredReceipt(position: $0.offset, receipt: $0.element) }
        }
        startPrefetch(from: heights.upperBound + 1)
        return entries.map(\.raw)
    }

    public func receipts(_ heights: ClosedRange<UInt64>) -> [UInt64: [StoredReceipt]] {
        receiptsByHeight.filter { heights.contains($0.key) }
    }

    /// The prefetched batch when it starts at `from`, else a fresh request.
    private func fetchEntries(from: UInt64, count: Int) async throws -> [ChainExport.Entry] {
        if let task = prefetchTask, prefetchFrom == from {
            prefetchTask = nil
            return try await task.value
        }
        prefetchTask?.cancel()
        prefetchTask = nil
        return try await loadExport(fetch, from: from, count: min(count, ChainExport.entriesMax))
    }

    private func startPrefetch(from: UInt64) {
        prefetchTask?.cancel()
        prefetchTask = nil
        guard from <= height else { return }
        let count = Int(min(UInt64(batchBlocks), height - from + 1))
        let fetch = fetch
        prefetchFrom = from
        prefetchTask = Task { @Sendable in try await loadExport(fetch, from: from, count: count) }
    }
}

/// Fetches and decodes one export; an undecodable export is a finding at its first height.
private func loadExport(_ fetch: RemoteAuditSource.Fetch, from: UInt64, count: Int) async throws -> [ChainExport.Entry] {
    let bytes = try await fetch(from, count)
    do { return try ChainExport.decode(bytes) } catch {
        throw AuditProblem(from, "the node's chain export from height \(from) does not decode: \(error)")
    }
}
