import Hummingbird
import LedgerCore
import LedgerCrypto

extension APIRoutes {
    /// `GET /v1/transactions/{id}/proof`: the transaction's proof bundle as canonical bytes
    /// (`application/octet-stream`, docs/formats.md), for `greenledger proof tx`.
    func registerProofs(on router: Router<APIRequestContext>) {
        router.get("/v1/transactions/{id}/proof") { _, context in try await transactionProof(context.parameters.get("id")) }
    }

    func transactionProof(_ text: String?) async throws(APIError) -> Response {
        guard let text, let id = Digest(hex: text) else {
            throw APIError.badRequest("invalid-transaction-id", "a transaction id is 64 hex digits")
        }
        let lookup: TransactionProofLookup
        do { lookup = try await service.transactionProof(id) } catch { throw APIError(error) }
        switch lookup {
        case .proof(let proof):
            return JSONResponse.binary(proof.canonicalBytes)
        case .receiptNotYetCertified(let height, let certifyingHeight):
            throw APIError(
                status: .conflict, code: "receipt-not-certified",
                message: "the transaction is in block \(height); its receipt is certified by block \(certifyingHeight), not committed yet; retry shortly")
        case .pending:
            throw APIError(status: .conflict, code: "not-committed", message: "the transaction is pending, not committed yet; retry shortly")
        case .unknown:
            throw APIError.notFound("unknown-transaction", "this node has no transaction \(id.hex), pending or committed")
        }
    }
}
