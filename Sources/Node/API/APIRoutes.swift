import LedgerCore
import LedgerCrypto
import Hummingbird
import Logging
import NIOCore

/// The client API's endpoints over a `NodeService`. Each handler validates its input first and
/// throws an `APIError` the middleware renders; none can crash on input.
struct APIRoutes<Service: NodeService>: Sendable {
    let service: Service
    let configuration: APIConfiguration
    let logger: Logger
    let invalidSignatures: InvalidSignatureBudget
    let connectionStats: APIConnectionStats

    func register(on router: Router<APIRequestContext>) {
        router.middlewares.add(JSONErrorMiddleware<APIRequestContext>(logger: logger))
        router.get("/health") { _, _ in
            let health = await service.status().health
            return JSONResponse.make(HealthBody(health), status: health.isHealthy ? .ok : .serviceUnavailable)
        }
        router.post("/v1/transactions") { request, context in try await submit(request, client: context.client) }
        router.post("/v1/transactions/simulate") { request, context in try await simulate(request, client: context.client) }
        router.get("/v1/transactions/{id}") { _, context in try await transaction(context.parameters.get("id")) }
        router.get("/v1/blocks/{height}") { _, context in try await block(context.parameters.get("height")) }
        router.get("/v1/blocks/{height}/raw") { request, context in
            try await rawBlock(context.parameters.get("height"), accept: request.headers[.accept])
        }
        router.get("/v1/accounts/{address}") { _, context in try await account(context.parameters.get("address")) }
        router.get("/v1/status") { _, _ in JSONResponse.make(StatusBody(await service.status())) }
        registerProofs(on: router)
        registerMetrics(on: router)
        registerEvidence(on: router)
        registerQueries(on: router)
        registerChain(on: router)
    }

    // MARK: - Submit

    func submit(_ request: Request, client: String) async throws(APIError) -> Response {
        if let wait = invalidSignatures.waitSeconds(for: client) {
            connectionStats.update { $0.invalidSignatureRefusals += 1 }
            throw APIError.tooManyInvalidSignatures(waitSeconds: wait)
        }
        let mediaType = try SubmissionDecoding.mediaType(of: request.headers[.contentType])
        let wait = try waitOption(request)
        let bytes = try await body(of: request)
        let transactions =
            switch mediaType {
            case .binary: try SubmissionDecoding.binary(bytes, batchMax: configuration.batchTransactionsMax)
            case .json: try SubmissionDecoding.json(bytes, batchMax: configuration.batchTransactionsMax)
            }
        let results = await service.submit(transactions)
        let invalid = results.filter(\.hasInvalidSignature).count
        if invalid > 0 {
            invalidSignatures.spend(invalid, by: client)
            logger.notice("client \(client) submitted \(invalid) transactions with invalid signatures")
        }
        let accepted = results.filter(\.isPending).count
        logger.debug("transactions submitted", metadata: [
            "count": "\(transactions.count)", "pending": "\(accepted)", "rejected": "\(transactions.count - accepted)",
        ])
        guard let timeoutMillis = wait else {
            return JSONResponse.make(SubmitResponseBody(results: results.map { SubmissionResultBody($0) }))
        }
        let commits = try await waitForCommits(of: results.filter(\.isPending).map(\.transactionID), timeoutMillis: timeoutMillis)
        return JSONResponse.make(
            SubmitResponseBody(results: results.map { SubmissionResultBody($0, commit: commits[$0.transactionID]) }))
    }

    /// Nil without `wait=true`; else the wait in milliseconds, capped by the configuration.
    private func waitOption(_ request: Request) throws(APIError) -> UInt64? {
        let query = request.uri.queryParameters
        let waitText = query["wait"].map(String.init)
        let timeoutText = query["timeoutMillis"].map(String.init)
        switch waitText {
        case nil, "false":
            guard timeoutText == nil else {
                throw APIError.badRequest("invalid-parameter", "timeoutMillis only applies with wait=true")
            }
            return nil
        case "true":
            guard let timeoutText else { return configuration.waitTimeoutDefaultMillis }
            guard let timeout = UInt64(timeoutText) else {
                throw APIError.badRequest("invalid-parameter", "timeoutMillis must be a whole number of milliseconds, got \"\(timeoutText.prefix(40))\"")
            }
            return min(timeout, configuration.waitTimeoutMaxMillis)
        case let other?:
            throw APIError.badRequest("invalid-parameter", "wait must be true or false, got \"\(other.prefix(40))\"")
        }
    }

    /// The whole body, refused above `bodySizeMaxBytes` (by Content-Length first, without reading).
    func body(of request: Request) async throws(APIError) -> [UInt8] {
        let maximum = configuration.bodySizeMaxBytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maximum {
            throw .bodyTooLarge(maximumBytes: maximum)
        }
        do {
            let buffer = try await request.body.collect(upTo: maximum)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw .bodyTooLarge(maximumBytes: maximum)
        } catch {
            throw APIError.badRequest("unreadable-body", "the request body could not be read: \(error)")
        }
    }

    /// Waits for every id concurrently, each up to `timeoutMillis`.
    private func waitForCommits(of ids: [Digest], timeoutMillis: UInt64) async throws(APIError) -> [Digest: TransactionBody] {
        // Each child reports its position in `ids`, never the id itself: release builds (Swift
        // 6.3) returned a zeroed Digest from a child task's (Digest, Result) tuple built in a
        // typed-throws do/catch, so every waited submission came back without its commit.
        let outcomes = await withTaskGroup(of: WaitOutcome.self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask {
                    do {
                        return WaitOutcome(index: index, status: try await service.waitForCommit(of: id, timeoutMillis: timeoutMillis), error: nil)
                    } catch let error as NodeServiceError {
                        return WaitOutcome(index: index, status: nil, error: error)
                    } catch {
                        return WaitOutcome(index: index, status: nil, error: .storage(reason: "\(error)"))
                    }
                }
            }
            var outcomes: [WaitOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var bodies: [Digest: TransactionBody] = [:]
        for outcome in outcomes {
            if let error = outcome.error { throw APIError(error) }
            if let status = outcome.status { bodies[ids[outcome.index]] = TransactionBody(id: ids[outcome.index], status: status) }
        }
        return bodies
    }

    // MARK: - Queries

    func transaction(_ text: String?) async throws(APIError) -> Response {
        guard let text, let id = Digest(hex: text) else {
            throw APIError.badRequest("invalid-transaction-id", "a transaction id is 64 hex digits")
        }
        let status: TransactionStatus
        do { status = try await service.transactionStatus(id) } catch { throw APIError(error) }
        return JSONResponse.make(TransactionBody(id: id, status: status))
    }

    func block(_ text: String?) async throws(APIError) -> Response {
        let (height, committed) = try await committedBlock(text)
        guard let committed else { throw unknownBlock(height) }
        return JSONResponse.make(BlockBody(committed))
    }

    /// Canonical bytes of the block and its certificate: JSON with hex by default, or with
    /// `Accept: application/octet-stream` the block's bytes followed by the certificate's.
    func rawBlock(_ text: String?, accept: String?) async throws(APIError) -> Response {
        let (height, committed) = try await committedBlock(text)
        guard let committed else { throw unknownBlock(height) }
        let block = committed.block.canonicalBytes
        let certificate = committed.certificate.canonicalBytes
        if accept?.lowercased().contains("application/octet-stream") == true {
            return JSONResponse.binary(block + certificate)
        }
        return JSONResponse.make(RawBlockBody(height: height, block: Hex.encode(block), certificate: Hex.encode(certificate)))
    }

    private func committedBlock(_ text: String?) async throws(APIError) -> (UInt64, CommittedBlock?) {
        guard let text, let height = UInt64(text), height > 0 else {
            throw APIError.badRequest("invalid-height", "a block height is a whole number from 1")
        }
        do { return (height, try await service.block(at: height)) } catch { throw APIError(error) }
    }

    private func unknownBlock(_ height: UInt64) -> APIError {
        .notFound("unknown-block", "no committed block at height \(height) yet; GET /v1/status shows the node's height")
    }

    func account(_ text: String?) async throws(APIError) -> Response {
        guard let text, let address = Address(text: text) else {
            throw APIError.badRequest("invalid-address", "an address is \"gl\" followed by 40 lowercase hex digits")
        }
        let account: Account?
        do { account = try await service.account(address) } catch { throw APIError(error) }
        guard let account else {
            throw APIError.notFound("unknown-account", "\(address) has no account; only genesis members have accounts")
        }
        return JSONResponse.make(AccountBody(address: address, account: account))
    }
}

/// What one waited transaction came to (see `APIRoutes.waitForCommits`).
private struct WaitOutcome: Sendable {
    let index: Int
    let status: TransactionStatus?
    let error: NodeServiceError?
}
