import LedgerCore
import LedgerCrypto
import Hummingbird

/// `POST /v1/transactions/simulate`: the receipts signed transactions would get against the
/// committed state, without admitting or committing anything — so a client shows a refusal
/// (wrong role, unknown project, insufficient funds…) before it spends a nonce.
extension APIRoutes {
    func simulate(_ request: Request, client: String) async throws(APIError) -> Response {
        if let wait = invalidSignatures.waitSeconds(for: client) {
            connectionStats.update { $0.invalidSignatureRefusals += 1 }
            throw APIError.tooManyInvalidSignatures(waitSeconds: wait)
        }
        let mediaType = try SubmissionDecoding.mediaType(of: request.headers[.contentType])
        let bytes = try await body(of: request)
        let transactions =
            switch mediaType {
            case .binary: try SubmissionDecoding.binary(bytes, batchMax: configuration.batchTransactionsMax)
            case .json: try SubmissionDecoding.json(bytes, batchMax: configuration.batchTransactionsMax)
            }
        let valid = await ParallelSignatureCheck.verify(transactions, verifier: P256Verifier())
        let invalid = valid.filter { !$0 }.count
        if invalid > 0 {
            invalidSignatures.spend(invalid, by: client)
            logger.notice("client \(client) simulated \(invalid) transactions with invalid signatures")
        }
        let signed = zip(transactions, valid).filter(\.1).map(\.0)
        let result: SimulationResult
        do throws(NodeServiceError) { result = try await service.simulate(signed) } catch { throw APIError(error) }
        var results: [SimulationResultBody] = []
        var next = 0
        for (transaction, signatureValid) in zip(transactions, valid) {
            var failure: ErrorDetail?
            if signatureValid && next < result.receipts.count {
                failure = result.receipts[next].failure.map { ErrorDetail(code: $0.code.name, message: $0.message) }
                next += 1
            } else {
                failure = ErrorDetail(code: FailureCode.invalidSignature.name, message: "the signature does not verify against the sender key")
            }
            results.append(SimulationResultBody(id: transaction.id.hex, kind: transaction.payload.kindName, success: failure == nil, failure: failure))
        }
        return JSONResponse.make(SimulateResponseBody(height: result.height, note: SimulateResponseBody.note, results: results))
    }
}
