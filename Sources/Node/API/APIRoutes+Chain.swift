import Hummingbird
import LedgerCore
import Storage

/// GET /v1/chain?from=H&count=N: a run of committed blocks, exactly as stored, with their
/// certificates and receipts, in one response (layout: `ChainExport`, docs/api.md). For the
/// online audit, which checks every byte against its own genesis.
extension APIRoutes {
    /// Most bytes one export carries; the blocks after the one that would cross it are left
    /// for the next request (one block is always sent, however large).
    static var chainExportBytesMax: Int { 16 * 1_024 * 1_024 }
    static var chainExportCountDefault: Int { 128 }

    func registerChain(on router: Router<APIRequestContext>) {
        router.get("/v1/chain") { request, _ in
            let query = request.uri.queryParameters
            return try await chain(from: query["from"].map(String.init), count: query["count"].map(String.init))
        }
    }

    func chain(from fromText: String?, count countText: String?) async throws(APIError) -> Response {
        let (from, count) = try chainRange(from: fromText, count: countText)
        let (last, overflow) = from.addingReportingOverflow(UInt64(count - 1))
        let entries: [ChainExport.Entry]
        do { entries = try await service.chainEntries(from...(overflow ? .max : last)) } catch { throw APIError(error) }
        guard !entries.isEmpty else {
            throw .notFound("unknown-block", "no committed block at height \(from) yet; GET /v1/status shows the node's height")
        }
        var encoded: [[UInt8]] = []
        var bytes = 4
        for entry in entries {
            let entryBytes = ChainExport.encode(entry)
            if !encoded.isEmpty && bytes + entryBytes.count > Self.chainExportBytesMax { break }
            bytes += entryBytes.count
            encoded.append(entryBytes)
        }
        return JSONResponse.binary(ChainExport.assemble(encoded))
    }

    /// `from` a whole number from 1; `count` 1…256, default 128.
    func chainRange(from fromText: String?, count countText: String?) throws(APIError) -> (UInt64, Int) {
        guard let fromText else {
            throw .badRequest("invalid-parameter", "from is required: the first block height to export, a whole number from 1")
        }
        guard let from = UInt64(fromText), from >= 1 else {
            throw .badRequest("invalid-parameter", "from must be a block height, a whole number from 1, got \"\(fromText.prefix(40))\"")
        }
        guard let countText else { return (from, Self.chainExportCountDefault) }
        guard let count = Int(countText), (1...ChainExport.entriesMax).contains(count) else {
            throw .badRequest("invalid-parameter", "count must be a whole number from 1 to \(ChainExport.entriesMax), got \"\(countText.prefix(40))\"")
        }
        return (from, count)
    }
}
