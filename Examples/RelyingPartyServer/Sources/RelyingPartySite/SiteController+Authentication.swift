import Logging
import HTTPTypes
import Foundation
import Hummingbird
import MFA
import OneTimeCodes

extension SiteController {
    struct SignUpRequest: Decodable {
        let username: String
        let password: String
        let phoneNumber: String?
    }

    struct SignInRequest: Decodable {
        let username: String
        let password: String
    }

    static let wrongPassword = APIError(.unauthorized, "invalid-credentials", "The user name or password is not correct.")

    // MARK: - GET /api/session

    /// Returns the session's stage and CSRF token, creating an anonymous session (and its cookie) when there
    /// is none, so that the sign-in and sign-up forms can send the token.
    func getSession(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        if let session = context.session {
            var fields = sessionJSON(session)
            if session.stage == .signedIn {
                fields.append(("skippedPromptOnTrustedDevice", .bool(session.skippedPromptOnTrustedDevice)))
            }
            if session.stage == .enrollment || session.stage == .signedIn, let accountID = session.accountID,
                let phone = try users.user(accountID)?.phoneNumber
            {
                fields.append(("phoneNumberOnFile", .string(phone)))
            }
            return json(fields)
        }
        let session = sessions.create(now: now())
        var response = json(sessionJSON(session))
        response.setCookie(cookies.session(session.id))
        return response
    }

    // MARK: - POST /api/signup

    func signUp(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let body = try await RequestBody.decode(SignUpRequest.self, request, context)
        let username = body.username.trimmingCharacters(in: .whitespaces).lowercased()
        try Self.validateUsername(username)
        try Self.validatePassword(body.password, username: username)
        var phone: String?
        if let raw = body.phoneNumber?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            do {
                phone = try PhoneNumber(raw).description
            } catch {
                throw APIError(
                    .badRequest, "invalid-phone-number",
                    "Enter the mobile number in international format, starting with + and the country code.")
            }
        }
        let hash = try passwords.hash(body.password)
        let taken = APIError(.conflict, "username-taken", "That user name is taken. Choose another or sign in.")
        guard try users.insert(username: username, passwordHash: hash, phoneNumber: phone, at: now()) else {
            throw taken
        }
        do {
            try registry.createAccount(id: username)
        } catch {
            // The registry already knows this name (an account made elsewhere) or failed: undo the user row.
            try users.delete(username: username)
            throw error.code == .alreadyExists ? taken : APIError(error)
        }
        SiteLog.logger.info("account created: \(username)")
        return try await finishPasswordStep(username: username, session: session, request, context)
    }

    // MARK: - POST /api/signin

    func signIn(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let body = try await RequestBody.decode(SignInRequest.self, request, context)
        let username = body.username.trimmingCharacters(in: .whitespaces).lowercased()
        guard !username.isEmpty, !body.password.isEmpty, body.password.utf8.count <= 1024 else {
            throw Self.wrongPassword
        }
        guard var user = try users.user(username) else {
            passwords.burn(body.password)
            throw Self.wrongPassword
        }
        let time = now()
        let policy = registry.configuration.throttle
        switch user.throttle.decision(policy: policy, at: time) {
        case .allowed:
            break
        case .retryAfter(let seconds):
            throw APIError(
                .tooManyRequests, "throttled", "Too many failed attempts. Try again in \(seconds) seconds.",
                retryAfter: seconds)
        case .locked:
            throw APIError(
                HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), "locked", "This account is locked after too many failed attempts. Contact support.")
        }
        guard passwords.verify(body.password, against: user.passwordHash) else {
            user.throttle.recordFailure(at: time)
            try users.saveThrottle(user.throttle, username: username)
            SiteLog.logger.info("password sign-in failed: \(username) (\(user.throttle.consecutiveFailures) in a row)")
            throw Self.wrongPassword
        }
        if user.throttle.consecutiveFailures > 0 { try users.saveThrottle(ThrottleState(), username: username) }
        return try await finishPasswordStep(username: username, session: session, request, context)
    }

    /// After the password: asks the registry whether to allow, prompt or require enrollment.
    func finishPasswordStep(username: String, session: Session, _ request: Request, _ context: SiteRequestContext)
        async throws -> Response
    {
        let decision = try mfa("sign-in") { () throws(MFAError) in
            try registry.signIn(accountID: username, context: signInContext(request, context))
        }
        SiteLog.logger.info("sign-in decision for \(username): \(decision.outcome)")
        let next = sessions.rotate(session, now: now()) { next in
            next.accountID = username
            next.challengeMethods = []
            next.riskReasons = []
            next.skippedPromptOnTrustedDevice = false
            switch decision {
            case .allow(let reason):
                next.stage = .signedIn
                next.skippedPromptOnTrustedDevice = reason == .trustedDevice
            case .challenge(let challenge):
                next.stage = .secondFactor
                next.challengeMethods = challenge.methods
                next.riskReasons = challenge.riskReasons
            case .enrollmentRequired:
                next.stage = .enrollment
            }
        }
        var extra: [(String, JSONValueWriter.Value)] = []
        if next.skippedPromptOnTrustedDevice { extra.append(("skippedPromptOnTrustedDevice", .bool(true))) }
        return sessionResponse(next, extra: extra)
    }

    // MARK: - POST /api/signout

    func signOut(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let session = try requireSession(context)
        sessions.remove(id: session.id)
        let fresh = sessions.create(now: now())
        return sessionResponse(fresh)
    }

    // MARK: - Validation

    static func validateUsername(_ username: String) throws(APIError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-@+")
        guard (3...64).contains(username.count), username.allSatisfy({ allowed.contains($0) }),
            username.first != "." && username.first != "-"
        else {
            throw APIError(
                .badRequest, "invalid-username",
                "Use 3 to 64 characters: letters, digits and . _ - @ + (an email address works).")
        }
    }

    static func validatePassword(_ password: String, username: String) throws(APIError) {
        guard password.count >= 10, password.utf8.count <= 1024 else {
            throw APIError(.badRequest, "weak-password", "Use a password of at least 10 characters.")
        }
        guard password.lowercased() != username, Set(password).count >= 4 else {
            throw APIError(.badRequest, "weak-password", "Choose a less predictable password.")
        }
    }
}
