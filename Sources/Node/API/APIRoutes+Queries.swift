import Hummingbird
import LedgerCore
import LedgerCrypto
import Storage

/// The query endpoints (docs/api.md, "Queries"): paged lists and details read from the
/// committed ledger through `NodeService.queries()`, in the request's own task.
extension APIRoutes {
    static var pageParameters: Set<String> { ["limit", "after"] }

    func registerQueries(on router: Router<APIRequestContext>) {
        router.get("/v1/accounts") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters)
            let page = try parameters.page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.accounts(page) }, AccountBody.init))
        }
        router.get("/v1/projects") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters.union(["category", "owner"]))
            let filter = ProjectFilter(category: try parameters.category(), owner: try parameters.address("owner"))
            let page = try parameters.page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.projects(filter, page) }, ProjectBody.init))
        }
        router.get("/v1/projects/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try pathIdentifier(context.parameters.get("id"), what: "project id")
            let snapshot = try query { queries throws(QueryError) in try queries.project(id) }
            guard let detail = snapshot.value else {
                throw APIError.notFound("unknown-project", "no project \(id) is registered; GET /v1/projects lists them")
            }
            return JSONResponse.make(ProjectDetailBody(detail, height: snapshot.height))
        }
        router.get("/v1/attestations") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters.union(["project", "vintage", "verifier"]))
            let filter = AttestationFilter(
                projectID: try parameters.identifier("project"), vintage: try parameters.vintage(), verifier: try parameters.address("verifier"))
            let page = try parameters.page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.attestations(filter, page) }, AttestationBody.init))
        }
        router.get("/v1/credits") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters.union(["owner", "project", "vintage", "status", "serial"]))
            let filter = CreditFilter(
                owner: try parameters.address("owner"), projectID: try parameters.identifier("project"), vintage: try parameters.vintage(),
                status: try parameters.status(), serial: try parameters.serial())
            let page = try parameters.page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.credits(filter, page) }, CreditBlockBody.init))
        }
        router.get("/v1/retirements") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters.union(["project", "beneficiary"]))
            let filter = RetirementFilter(projectID: try parameters.identifier("project"), beneficiary: try parameters.text("beneficiary"))
            let page = try parameters.page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.retirements(filter, page) }, CreditBlockBody.init))
        }
        router.get("/v1/bonds") { request, _ in
            let page = try QueryParameters(request, allowed: Self.pageParameters).page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.bonds(page) }, BondBody.init))
        }
        router.get("/v1/bonds/{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try pathIdentifier(context.parameters.get("id"), what: "bond id")
            let snapshot = try query { queries throws(QueryError) in try queries.bond(id) }
            guard let detail = snapshot.value else {
                throw APIError.notFound("unknown-bond", "no bond \(id) has been issued; GET /v1/bonds lists them")
            }
            return JSONResponse.make(BondDetailBody(detail, height: snapshot.height))
        }
        router.get("/v1/blocks") { request, _ in
            let page = try QueryParameters(request, allowed: Self.pageParameters).page()
            return JSONResponse.make(ListBody(try query { queries throws(QueryError) in try queries.blocks(page) }, BlockSummaryBody.init))
        }
        router.get("/v1/transactions") { request, _ in
            let parameters = try QueryParameters(request, allowed: Self.pageParameters.union(["sender"]))
            guard let sender = try parameters.address("sender") else {
                throw APIError.badRequest(
                    "missing-parameter", "give sender=ADDRESS to list a sender's transactions; GET /v1/transactions/{id} reads one")
            }
            let page = try parameters.page()
            return JSONResponse.make(
                ListBody(try query { queries throws(QueryError) in try queries.transactions(sender: sender, page) }, TransactionSummaryBody.init))
        }
    }

    /// Runs one query against the node's ledger, mapping its errors to API errors.
    private func query<Result>(_ body: (LedgerQueries) throws(QueryError) -> Result) throws(APIError) -> Result {
        let queries: LedgerQueries
        do { queries = try service.queries() } catch { throw APIError(error) }
        do { return try body(queries) } catch { throw APIError(error) }
    }

    private func pathIdentifier(_ text: String?, what: String) throws(APIError) -> Identifier {
        guard let text else { throw APIError.badRequest("invalid-parameter", "the \(what) is missing") }
        do { return try Identifier(text) } catch { throw APIError.badRequest("invalid-parameter", "the \(what) is not an identifier: \(error)") }
    }
}
