import Hummingbird
import LedgerCrypto
import Storage

extension APIRoutes {
    /// `GET /v1/evidence[?validator=N][&limit=M]`: equivocation evidence this node saw, newest
    /// first (docs/api.md).
    func registerEvidence(on router: Router<APIRequestContext>) {
        router.get("/v1/evidence") { request, _ in
            let parameters = try QueryParameters(request, allowed: ["validator", "limit"])
            let validator = try parameters.unsigned("validator", maximum: UInt64(UInt16.max)).map { UInt16($0) }
            let limit = try parameters.unsigned("limit", maximum: 1_000).map { Int($0) } ?? 100
            let items: [StoredEvidence]
            do throws(NodeServiceError) { items = try await service.evidence(validator: validator, limit: limit) } catch { throw APIError(error) }
            return JSONResponse.make(EvidenceListBody(evidence: items.map(EvidenceBody.init)))
        }
    }
}

/// One piece of equivocation evidence: `validator` signed two different `kind` votes for one
/// view and height, for blocks `first` and `second`.
public struct EvidenceBody: Codable, Sendable, Hashable {
    public var validator: UInt16
    public var kind: String
    public var view: UInt64
    public var height: UInt64
    public var first: String
    public var second: String
    public var seenMillis: UInt64

    init(_ item: StoredEvidence) {
        validator = item.validator
        kind = item.kind
        view = item.view
        height = item.height
        first = item.first.hex
        second = item.second.hex
        seenMillis = item.seenMillis
    }
}

public struct EvidenceListBody: Codable, Sendable, Hashable {
    public var evidence: [EvidenceBody]
}
