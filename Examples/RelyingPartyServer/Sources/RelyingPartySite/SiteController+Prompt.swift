import WebAuthn
import Logging
import HTTPTypes
import Foundation
import Hummingbird
import MFA

extension SiteController {
    struct VerifyCodeRequest: Decodable {
        /// `totp`, `sms` or `recovery-code`.
        let method: String
        let code: String
        let challengeID: String?
        let methodID: String?
        let rememberDevice: Bool?
    }

    struct SendSMSRequest: Decodable {
        let methodID: String?
    }

    struct ResendSMSRequest: Decodable {
        let challengeID: String
    }

    // MARK: - GET /api/mfa/challenge

    /// The MFA prompt: the methods on offer, the preferred one first, and why the prompt appeared.
    func getChallenge(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, [.secondFactor])
        return json([
            ("username", .string(accountID)),
            ("methods", .array(session.challengeMethods.map(methodJSON))),
            ("riskReasons", .array(session.riskReasons.map { .string($0) })),
            ("trustedDeviceDays", .int(registry.configuration.trustedDeviceLifetime / 86_400)),
        ])
    }

    // MARK: - POST /api/mfa/sms/send and POST /api/sms/resend

    func sendSignInSMS(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.secondFactor])
        let body = try await RequestBody.decode(SendSMSRequest.self, request, context)
        let sent = try await mfa("sign-in SMS") { () async throws(MFAError) in
            try await registry.sendSignInSMSCode(accountID: accountID, methodID: body.methodID)
        }
        return json(smsSentJSON(sent))
    }

    func resendSMS(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.secondFactor, .enrollment, .signedIn])
        let body = try await RequestBody.decode(ResendSMSRequest.self, request, context)
        let sent = try await mfa("SMS resend") { () async throws(MFAError) in
            try await registry.resendSMSCode(accountID: accountID, challengeID: body.challengeID)
        }
        return json(smsSentJSON(sent))
    }

    func smsSentJSON(_ sent: SMSCodeSent) -> [(String, JSONValueWriter.Value)] {
        [
            ("challengeID", .string(sent.challengeID)), ("methodID", .string(sent.methodID)),
            ("maskedPhoneNumber", .string(sent.maskedPhoneNumber)), ("expiresAt", .int(sent.expiresAt)),
            ("resendAvailableAt", .int(sent.resendAvailableAt)),
            ("resendAvailableIn", .int(max(0, sent.resendAvailableAt - now()))),
        ]
    }

    // MARK: - POST /api/mfa/verify

    func verifyCode(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, [.secondFactor])
        let body = try await RequestBody.decode(VerifyCodeRequest.self, request, context)
        let code = body.code.filter { !$0.isWhitespace }
        guard !code.isEmpty, code.count <= 32 else {
            throw APIError(.badRequest, "code-not-valid", MFAError.wrongCodeMessage)
        }
        let proof: SecondFactorProof
        switch body.method {
        case "totp": proof = .totp(code: code, methodID: body.methodID)
        case "sms":
            guard let challengeID = body.challengeID else { throw APIError.malformed("\"challengeID\" is required for sms") }
            proof = .sms(challengeID: challengeID, code: code)
        case "recovery-code": proof = .recoveryCode(code)
        default: throw APIError.malformed("\"method\" must be totp, sms or recovery-code")
        }
        return try await complete(
            accountID: accountID, session: session, proof: proof, rememberDevice: body.rememberDevice ?? false,
            request, context)
    }

    // MARK: - POST /api/mfa/security-key/options and /verify

    /// Request options in the Level 3 JSON form, for `PublicKeyCredential.parseRequestOptionsFromJSON`.
    func securityKeySignInOptions(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.secondFactor, .signedIn])
        let ceremony = try mfa("security-key options") { () throws(MFAError) in
            try registry.startSecurityKeySignIn(accountID: accountID)
        }
        return json([
            ("ceremonyID", .string(ceremony.ceremonyID)), ("expiresAt", .int(ceremony.expiresAt)),
            ("publicKey", .raw(ceremony.options.jsonString())),
        ])
    }

    /// Verifies an assertion (`credential` is the browser's `toJSON()`): completes the MFA prompt, or, for a
    /// signed-in session, re-verifies the user (step-up).
    func securityKeySignInVerify(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, [.secondFactor, .signedIn])
        let body = try await RequestBody.ceremonyResponse(request, context)
        let remember = body.fields["rememberDevice"] as? Bool ?? false
        return try await complete(
            accountID: accountID, session: session,
            proof: .securityKey(ceremonyID: body.ceremonyID, response: body.credential),
            rememberDevice: remember && session.stage == .secondFactor, request, context)
    }

    // MARK: - Completion

    func complete(
        accountID: String, session: Session, proof: SecondFactorProof, rememberDevice: Bool, _ request: Request,
        _ context: SiteRequestContext
    ) async throws -> Response {
        let completion: SignInCompletion
        do {
            completion = try await registry.completeSignIn(
                accountID: accountID, proof: proof, context: signInContext(request, context),
                rememberDevice: rememberDevice)
        } catch {
            SiteLog.logger.info("second factor refused for \(accountID): \(error.code.rawValue): \(error.reason)")
            if error.code == .securityKeyCloneSuspected {
                // The registry refused the sign-in and wrote `security-key-clone-suspected` to the audit log.
                SiteLog.logger.warning("possible cloned security key on account \(accountID)")
                throw APIError(
                    .unauthorized, "security-key-clone-suspected",
                    "This security key returned a signature counter lower than before, which can mean it was "
                        + "copied. The sign-in was refused and recorded. Use another method, and remove this key "
                        + "from your account if you did not expect this.")
            }
            throw APIError(error)
        }
        SiteLog.logger.info("second factor accepted for \(accountID): \(completion.methodKind.rawValue)")
        let wasSignedIn = session.stage == .signedIn
        let next =
            wasSignedIn
            ? session
            : sessions.rotate(session, now: now()) { next in
                next.stage = .signedIn
                next.challengeMethods = []
                next.riskReasons = []
            }
        var extra: [(String, JSONValueWriter.Value)] = [("methodKind", .string(completion.methodKind.rawValue))]
        if let remaining = completion.recoveryCodesRemaining {
            extra.append(("recoveryCodesRemaining", .int(Int64(remaining))))
        }
        if let expires = completion.trustedDeviceExpiresAt { extra.append(("trustedDeviceExpiresAt", .int(expires))) }
        var response = sessionResponse(next, extra: extra)
        if let token = completion.trustedDeviceToken, let expires = completion.trustedDeviceExpiresAt {
            response.setCookie(cookies.device(token, maxAge: expires - now()))
        }
        return response
    }
}
