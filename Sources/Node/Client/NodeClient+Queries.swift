import Foundation
import LedgerCrypto

/// The query endpoints (docs/api.md, "Queries"). `parameters` are sent percent-encoded, in the
/// order given; nil values are left out.
extension NodeClient {
    public func accounts(limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<AccountBody> {
        try await get(ListBody<AccountBody>.self, Self.path("/v1/accounts", [("limit", limit.map(String.init)), ("after", after)]))
    }

    public func projects(category: String? = nil, owner: String? = nil, limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<ProjectBody> {
        try await get(
            ListBody<ProjectBody>.self,
            Self.path("/v1/projects", [("category", category), ("owner", owner), ("limit", limit.map(String.init)), ("after", after)]))
    }

    public func project(_ id: String) async throws(NodeClientError) -> ProjectDetailBody {
        try await get(ProjectDetailBody.self, "/v1/projects/\(Self.encode(id))")
    }

    public func attestations(
        project: String? = nil, vintage: String? = nil, verifier: String? = nil, limit: Int? = nil, after: String? = nil
    ) async throws(NodeClientError) -> ListBody<AttestationBody> {
        try await get(
            ListBody<AttestationBody>.self,
            Self.path("/v1/attestations", [
                ("project", project), ("vintage", vintage), ("verifier", verifier), ("limit", limit.map(String.init)), ("after", after),
            ]))
    }

    public func credits(
        owner: String? = nil, project: String? = nil, vintage: String? = nil, status: String? = nil, serial: String? = nil,
        limit: Int? = nil, after: String? = nil
    ) async throws(NodeClientError) -> ListBody<CreditBlockBody> {
        try await get(
            ListBody<CreditBlockBody>.self,
            Self.path("/v1/credits", [
                ("owner", owner), ("project", project), ("vintage", vintage), ("status", status), ("serial", serial),
                ("limit", limit.map(String.init)), ("after", after),
            ]))
    }

    public func retirements(project: String? = nil, beneficiary: String? = nil, limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<CreditBlockBody> {
        try await get(
            ListBody<CreditBlockBody>.self,
            Self.path("/v1/retirements", [("project", project), ("beneficiary", beneficiary), ("limit", limit.map(String.init)), ("after", after)]))
    }

    public func bonds(limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<BondBody> {
        try await get(ListBody<BondBody>.self, Self.path("/v1/bonds", [("limit", limit.map(String.init)), ("after", after)]))
    }

    public func bond(_ id: String) async throws(NodeClientError) -> BondDetailBody {
        try await get(BondDetailBody.self, "/v1/bonds/\(Self.encode(id))")
    }

    public func blocks(limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<BlockSummaryBody> {
        try await get(ListBody<BlockSummaryBody>.self, Self.path("/v1/blocks", [("limit", limit.map(String.init)), ("after", after)]))
    }

    public func transactions(sender: String, limit: Int? = nil, after: String? = nil) async throws(NodeClientError) -> ListBody<TransactionSummaryBody> {
        try await get(
            ListBody<TransactionSummaryBody>.self,
            Self.path("/v1/transactions", [("sender", sender), ("limit", limit.map(String.init)), ("after", after)]))
    }

    static func path(_ base: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(encode($0))" } }
        return query.isEmpty ? base : base + "?" + query.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so `&`, `=`, `+`,
    /// `/` and spaces in a value arrive as given.
    static func encode(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
