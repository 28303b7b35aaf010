import Logging
import Hummingbird
import HTTPTypes

/// Loads the session named by the `kb_session` cookie and enforces CSRF protection on every
/// state-changing API request.
///
/// CSRF: the session holds a random token that the page reads from `GET /api/session` and sends back in
/// the `X-CSRF-Token` header; another site can neither read it nor set the header. In addition the
/// session cookie is `SameSite=Strict`, and a request whose `Origin` header names another origin is
/// refused.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = SiteRequestContext

    let sessions: SessionStore
    let allowedOrigins: [String]
    let clock: @Sendable () -> Int64

    static let headerName = HTTPField.Name("X-CSRF-Token")!

    func handle(
        _ request: Request, context: SiteRequestContext,
        next: (Request, SiteRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let id = request.cookies[SiteCookies.sessionName]?.value {
            context.session = sessions.session(id: id, now: clock())
        }
        if request.uri.path.hasPrefix("/api/"), Self.changesState(request.method) {
            if let origin = request.headers[.origin], !allowedOrigins.contains(origin) {
                throw APIError(.forbidden, "origin-not-allowed", "Requests from \(origin) are not accepted.")
            }
            guard let session = context.session, let sent = request.headers[Self.headerName],
                SessionStore.tokensMatch(sent, session.csrfToken)
            else { throw APIError.csrfFailed }
        }
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        return response
    }

    static func changesState(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }
}
