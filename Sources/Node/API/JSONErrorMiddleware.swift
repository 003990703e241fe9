import Hummingbird
import Logging
import NIOCore

/// Turns every error a route or Hummingbird throws into the API's JSON error shape, so a
/// client never sees an HTML or empty error page. Unexpected errors become 500s and are
/// logged for the operator.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            logger.debug("refused request", metadata: ["path": "\(request.uri.path)", "code": "\(error.code)"])
            return JSONResponse.error(error)
        } catch let error as HTTPError {
            return JSONResponse.error(APIError(error))
        } catch is NIOTooManyBytesError {
            return JSONResponse.error(APIError(status: .contentTooLarge, code: "body-too-large", message: "the request body is too large"))
        } catch {
            logger.error("request failed unexpectedly", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return JSONResponse.error(
                APIError(status: .internalServerError, code: "internal-error", message: "the node failed to answer; its log says why"))
        }
    }
}
