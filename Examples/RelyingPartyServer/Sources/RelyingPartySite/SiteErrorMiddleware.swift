import Logging
import HTTPTypes
import Hummingbird

/// Turns anything a handler throws that is not already an ``APIError`` into one, so every API failure has
/// the `{"error", "message"}` shape; Hummingbird's own errors (404, 405, 413) keep their status.
struct SiteErrorMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext

    func handle(
        _ request: Request, context: SiteRequestContext,
        next: (Request, SiteRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            guard request.uri.path.hasPrefix("/api/") else { throw error }
            let code: String
            switch error.status {
            case .notFound: code = "not-found"
            case .methodNotAllowed: code = "method-not-allowed"
            case .contentTooLarge: code = "body-too-large"
            case .badRequest: code = "malformed-request"
            default: code = "http-\(error.status.code)"
            }
            throw APIError(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch {
            SiteLog.logger.error("unexpected error on \(request.method) \(request.uri.path): \(type(of: error))")
            throw APIError(.internalServerError, "internal-error", "Something went wrong. Try again.")
        }
    }
}
