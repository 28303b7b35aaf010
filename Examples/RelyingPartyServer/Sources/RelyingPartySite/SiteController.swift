import Logging
import HTTPTypes
import Foundation
import Hummingbird
import MFA
import NIOCore
import WebAuthn

/// The JSON API's handlers. Holds the MFA method registry (the source of truth for second factors, rate
/// limits and trusted devices), the site's user directory and the in-memory sessions.
final class SiteController: Sendable {
    let registry: MFAMethodRegistry
    let users: UserDirectory
    let sessions: SessionStore
    let passwords: PasswordHasher
    let cookies: SiteCookies
    let configuration: SiteConfiguration
    let smsOutbox: OutboxSMSGateway
    let mailOutbox: OutboxNotifier

    init(
        registry: MFAMethodRegistry, users: UserDirectory, sessions: SessionStore, passwords: PasswordHasher,
        configuration: SiteConfiguration, smsOutbox: OutboxSMSGateway, mailOutbox: OutboxNotifier
    ) {
        self.registry = registry
        self.users = users
        self.sessions = sessions
        self.passwords = passwords
        self.configuration = configuration
        self.cookies = SiteCookies(secure: configuration.usesHTTPS)
        self.smsOutbox = smsOutbox
        self.mailOutbox = mailOutbox
    }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    // MARK: - Registry calls

    /// Runs a registry call, turning its error into the API's; the internal reason goes to the log only.
    @discardableResult
    func mfa<T>(_ what: String, _ body: () throws(MFAError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            SiteLog.logger.info("\(what) refused: \(error.code.rawValue): \(error.reason)")
            throw APIError(error)
        }
    }

    /// The async form of ``mfa(_:_:)``.
    @discardableResult
    func mfa<T>(_ what: String, _ body: () async throws(MFAError) -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch {
            SiteLog.logger.info("\(what) refused: \(error.code.rawValue): \(error.reason)")
            throw APIError(error)
        }
    }

    /// What the registry's risk checks see of this request.
    func signInContext(_ request: Request, _ context: SiteRequestContext) -> SignInContext {
        SignInContext(
            deviceToken: request.cookies[SiteCookies.deviceName]?.value,
            ipAddress: context.peerAddress.flatMap { IPAddress($0) })
    }

    // MARK: - Session requirements

    func requireSession(_ context: SiteRequestContext) throws(APIError) -> Session {
        guard let session = context.session else { throw APIError.signInRequired }
        return session
    }

    /// A session with an account at one of `stages`.
    func requireAccount(_ context: SiteRequestContext, _ stages: Set<Session.Stage>) throws(APIError)
        -> (Session, String)
    {
        guard let session = context.session, let accountID = session.accountID else { throw APIError.signInRequired }
        guard stages.contains(session.stage) else {
            switch session.stage {
            case .secondFactor:
                throw APIError(.forbidden, "verification-required", "Finish two-step verification first.")
            case .enrollment:
                throw APIError(.forbidden, "enrollment-required", "Set up two-step verification to continue.")
            case .anonymous, .signedIn:
                throw APIError.signInRequired
            }
        }
        return (session, accountID)
    }

    // MARK: - Responses

    func json(_ fields: [(String, JSONValueWriter.Value)], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValueWriter.object(fields))))
    }

    func methodJSON(_ method: MFAMethodSummary) -> JSONValueWriter.Value {
        var fields: [(String, JSONValueWriter.Value)] = [
            ("id", .string(method.id)), ("kind", .string(method.kind.rawValue)), ("name", .string(method.name)),
            ("state", .string(method.state.rawValue)), ("isPreferred", .bool(method.isPreferred)),
            ("createdAt", .int(method.createdAt)),
        ]
        if let masked = method.maskedPhoneNumber { fields.append(("maskedPhoneNumber", .string(masked))) }
        if let remaining = method.recoveryCodesRemaining { fields.append(("recoveryCodesRemaining", .int(Int64(remaining)))) }
        return .object(fields)
    }

    func sessionJSON(_ session: Session?) -> [(String, JSONValueWriter.Value)] {
        guard let session else { return [("stage", .string(Session.Stage.anonymous.rawValue))] }
        var fields: [(String, JSONValueWriter.Value)] = [
            ("stage", .string(session.stage.rawValue)), ("csrfToken", .string(session.csrfToken)),
        ]
        if let accountID = session.accountID { fields.append(("username", .string(accountID))) }
        return fields
    }

    /// The page a session at this stage belongs on.
    func nextPage(_ stage: Session.Stage) -> String {
        switch stage {
        case .anonymous: return "/signin/"
        case .secondFactor: return "/verify/"
        case .enrollment: return "/setup/"
        case .signedIn: return "/account/"
        }
    }

    /// A JSON response that moves the browser to a new session (rotated identifier).
    func sessionResponse(_ session: Session, extra: [(String, JSONValueWriter.Value)] = []) -> Response {
        var response = json(
            sessionJSON(session) + [("next", .string(nextPage(session.stage)))] + extra)
        response.setCookie(cookies.session(session.id))
        return response
    }
}
