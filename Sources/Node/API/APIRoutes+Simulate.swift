import LedgerCore
import LedgerCrypto
import Hummingbird

/// `POST /v1/transactions/simulate`: the receipts signed transactions would get against the
/// committed state, without admitting or committing anything — so a client shows a refusal
/// (wrong role, unknown project, insufficient funds…) before it spends a nonce.
///
/// Work a client can ask for is bounded as for a submission, more tightly: at most
/// `batchMax` transactions, a non-member's or an already-used nonce answered before any
/// signature is checked (committed transactions are public and could be replayed here for
/// free otherwise), and invalid signatures spend the client's invalid-signature budget.
extension APIRoutes {
    static var simulateBatchMax: Int { 64 }

    func simulate(_ request: Request, client: String) async throws(APIError) -> Response {
        if let wait = invalidSignatures.waitSeconds(for: client) {
            connectionStats.update { $0.invalidSignatureRefusals += 1 }
            throw APIError.tooManyInvalidSignatures(waitSeconds: wait)
        }
        let mediaType = try SubmissionDecoding.mediaType(of: request.headers[.contentType])
        let bytes = try await body(of: request)
        let batchMax = min(configuration.batchTransactionsMax, Self.simulateBatchMax)
        let transactions =
            switch mediaType {
            case .binary: try SubmissionDecoding.binary(bytes, batchMax: batchMax)
            case .json: try SubmissionDecoding.json(bytes, batchMax: batchMax)
            }
        var failures = [ErrorDetail?](repeating: nil, count: transactions.count)
        var committedNonces: [Address: UInt64?] = [:]
        for (index, transaction) in transactions.enumerated() {
            let sender = transaction.senderAddress
            if committedNonces[sender] == nil {
                do throws(NodeServiceError) { committedNonces[sender] = try await service.account(sender)?.nonce } catch { throw APIError(error) }
            }
            guard let committed = committedNonces[sender] ?? nil else {
                failures[index] = ErrorDetail(code: FailureCode.notAMember.name, message: "sender \(sender) is not a member of this ledger")
                continue
            }
            if transaction.nonce <= committed {
                failures[index] = ErrorDetail(
                    code: FailureCode.badNonce.name, message: "nonce \(transaction.nonce) of \(sender) is already used (committed nonce \(committed)); the next is \(committed + 1)")
            }
        }
        let candidates = transactions.indices.filter { failures[$0] == nil }
        let valid = await ParallelSignatureCheck.verify(candidates.map { transactions[$0] }, verifier: P256Verifier())
        let invalid = valid.filter { !$0 }.count
        if invalid > 0 {
            invalidSignatures.spend(invalid, by: client)
            logger.notice("client \(client) simulated \(invalid) transactions with invalid signatures")
        }
        for (slot, index) in candidates.enumerated() where !valid[slot] {
            failures[index] = ErrorDetail(code: FailureCode.invalidSignature.name, message: "the signature does not verify against the sender key")
        }
        let simulated = transactions.indices.filter { failures[$0] == nil }
        let result: SimulationResult
        do throws(NodeServiceError) { result = try await service.simulate(simulated.map { transactions[$0] }) } catch { throw APIError(error) }
        for (slot, index) in simulated.enumerated() where slot < result.receipts.count {
            failures[index] = result.receipts[slot].failure.map { ErrorDetail(code: $0.code.name, message: $0.message) }
        }
        let results = transactions.indices.map { index in
            SimulationResultBody(
                id: transactions[index].id.hex, kind: transactions[index].payload.kindName, success: failures[index] == nil,
                failure: failures[index])
        }
        return JSONResponse.make(SimulateResponseBody(height: result.height, note: SimulateResponseBody.note, results: results))
    }
}
