import OneTimeCodes
import WebAuthn
import Logging
import HTTPTypes
import Foundation
import Hummingbird
import MFA

extension SiteController {
    struct ConfirmCodeRequest: Decodable {
        let code: String
    }

    struct PhoneNumberRequest: Decodable {
        let phoneNumber: String
    }

    struct ChallengeCodeRequest: Decodable {
        let challengeID: String
        let code: String
    }

    struct RenameRequest: Decodable {
        let name: String
    }

    static let setUpStages: Set<Session.Stage> = [.enrollment, .signedIn]

    // MARK: - GET /api/account

    func getAccount(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, [.signedIn])
        let status = try mfa("status") { () throws(MFAError) in try registry.status(accountID: accountID) }
        let user = try users.user(accountID)
        var fields: [(String, JSONValueWriter.Value)] = [
            ("username", .string(accountID)),
            ("isMFARequired", .bool(status.isMFARequired)), ("isMFAEnabled", .bool(status.isMFAEnabled)),
            ("recommendsBackup", .bool(status.recommendsBackup)),
            ("methods", .array(status.methods.filter { $0.state == .active }.map(methodJSON))),
            ("skippedPromptOnTrustedDevice", .bool(session.skippedPromptOnTrustedDevice)),
        ]
        if let phone = user?.phoneNumber { fields.append(("phoneNumberOnFile", .string(phone))) }
        return json(fields)
    }

    // MARK: - GET /api/account/activity

    func getActivity(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        // The log reads oldest first; page through it, keeping the newest 25 shown events.
        var shown: [AuditEvent] = []
        var after: Int64 = 0
        while true {
            let page = try mfa("audit log") { () throws(MFAError) in
                try registry.auditLog(accountID: accountID, after: after, limit: 500)
            }
            shown = Array((shown + page.filter { Self.shownActions.contains($0.action) }).suffix(25))
            guard page.count == 500, let last = page.last else { break }
            after = last.sequence
        }
        let latest = shown.reversed().map {
            event -> JSONValueWriter.Value in
            .object([
                ("time", .int(event.time)), ("action", .string(event.action)),
            ])
        }
        return json([("events", .array(Array(latest)))])
    }

    /// The audit actions the activity list shows; routine bookkeeping (decisions, sends) stays out.
    static let shownActions: Set<String> = [
        "account-created", "method-activated", "method-removed", "method-renamed", "mfa-reset", "phone-changed",
        "recovery-code-used", "recovery-codes-generated", "recovery-codes-regenerated", "second-factor-failed",
        "sign-in-completed", "preferred-method-set", "account-unlocked", "security-key-registration-failed",
        "security-key-clone-suspected",
    ]

    // MARK: - Authenticator app

    func beginTOTP(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, Self.setUpStages)
        let enrollment = try mfa("TOTP enrollment") { () throws(MFAError) in
            try registry.beginTOTPEnrollment(accountID: accountID)
        }
        let svg = enrollment.qrCode.svg(moduleSize: 6, quietZone: 4)
        return json([
            ("methodID", .string(enrollment.methodID)),
            ("qrCodeSVG", .string("data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString())),
            ("manualEntrySecret", .string(enrollment.manualEntrySecret)),
            ("otpauthURI", .string(enrollment.uriString)),
            ("digits", .int(Int64(enrollment.configuration.digits))),
            ("period", .int(enrollment.configuration.period)),
        ])
    }

    func confirmTOTP(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, Self.setUpStages)
        let methodID = try context.parameters.require("methodID")
        let body = try await RequestBody.decode(ConfirmCodeRequest.self, request, context)
        let code = body.code.filter { !$0.isWhitespace }
        let result = try await mfa("TOTP confirmation") { () async throws(MFAError) in
            try await registry.confirmTOTPEnrollment(accountID: accountID, methodID: methodID, code: code)
        }
        return enrolled(result, session: session)
    }

    // MARK: - Text message

    func beginSMS(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, Self.setUpStages)
        let body = try await RequestBody.decode(PhoneNumberRequest.self, request, context)
        let enrollment = try await mfa("SMS enrollment") { () async throws(MFAError) in
            try await registry.beginSMSEnrollment(
                accountID: accountID, phoneNumber: body.phoneNumber.trimmingCharacters(in: .whitespaces))
        }
        return json(smsSentJSON(enrollment.codeSent))
    }

    func confirmSMS(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, Self.setUpStages)
        let body = try await RequestBody.decode(ChallengeCodeRequest.self, request, context)
        let code = body.code.filter { !$0.isWhitespace }
        let result = try await mfa("SMS confirmation") { () async throws(MFAError) in
            try await registry.confirmSMSEnrollment(accountID: accountID, challengeID: body.challengeID, code: code)
        }
        return enrolled(result, session: session)
    }

    // MARK: - Security key

    /// Creation options in the Level 3 JSON form, for `PublicKeyCredential.parseCreationOptionsFromJSON`.
    func securityKeyRegistrationOptions(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, Self.setUpStages)
        let ceremony = try mfa("security-key registration options") { () throws(MFAError) in
            try registry.startSecurityKeyRegistration(accountID: accountID)
        }
        return json([
            ("ceremonyID", .string(ceremony.ceremonyID)), ("expiresAt", .int(ceremony.expiresAt)),
            ("publicKey", .raw(ceremony.options.jsonString())),
        ])
    }

    func securityKeyRegistrationFinish(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, Self.setUpStages)
        let body = try await RequestBody.ceremonyResponse(request, context)
        let name = try Self.methodName(body.fields["name"] as? String ?? "Security key")
        let result = try await mfa("security-key registration") { () async throws(MFAError) in
            try await registry.finishSecurityKeyRegistration(
                accountID: accountID, ceremonyID: body.ceremonyID, response: body.credential, name: name)
        }
        return enrolled(result, session: session)
    }

    /// After any enrollment: a first method ends the forced set-up, so the session becomes fully signed in.
    func enrolled(_ result: EnrollmentResult, session: Session) -> Response {
        let extra: [(String, JSONValueWriter.Value)] = [
            ("method", methodJSON(result.method)), ("enabledMFA", .bool(result.enabledMFA)),
            ("recommendsBackup", .bool(result.recommendsBackup)),
        ]
        guard session.stage == .enrollment else {
            return json(sessionJSON(session) + [("next", .string(nextPage(session.stage)))] + extra)
        }
        let next = sessions.rotate(session, now: now()) { $0.stage = .signedIn }
        return sessionResponse(next, extra: extra)
    }

    // MARK: - Managing methods

    func renameMethod(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let methodID = try context.parameters.require("methodID")
        let body = try await RequestBody.decode(RenameRequest.self, request, context)
        let name = try Self.methodName(body.name)
        try mfa("rename") { () throws(MFAError) in
            try registry.renameMethod(accountID: accountID, methodID: methodID, name: name)
        }
        let methods = try mfa("methods") { () throws(MFAError) in try registry.methods(accountID: accountID) }
        guard let renamed = methods.first(where: { $0.id == methodID }) else {
            throw APIError(.notFound, "not-found", "That method no longer exists.")
        }
        return json([("method", methodJSON(renamed))])
    }

    func removeMethod(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let methodID = try context.parameters.require("methodID")
        let result = try await mfa("remove") { () async throws(MFAError) in
            try await registry.removeMethod(accountID: accountID, methodID: methodID, actor: .user)
        }
        return json([
            ("removedMethodIDs", .array(result.removedMethodIDs.map { .string($0) })),
            ("revokedTrustedDevices", .int(Int64(result.revokedTrustedDevices))),
            ("recommendsBackup", .bool(result.recommendsBackup)),
        ])
    }

    func makePreferred(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let methodID = try context.parameters.require("methodID")
        try mfa("preferred") { () throws(MFAError) in
            try registry.setPreferredMethod(accountID: accountID, methodID: methodID)
        }
        return json([("preferredMethodID", .string(methodID))])
    }

    func beginPhoneChange(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let methodID = try context.parameters.require("methodID")
        let body = try await RequestBody.decode(PhoneNumberRequest.self, request, context)
        let sent = try await mfa("phone change") { () async throws(MFAError) in
            try await registry.beginPhoneNumberChange(
                accountID: accountID, methodID: methodID,
                newPhoneNumber: body.phoneNumber.trimmingCharacters(in: .whitespaces))
        }
        return json(smsSentJSON(sent))
    }

    func confirmPhoneChange(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let body = try await RequestBody.decode(ChallengeCodeRequest.self, request, context)
        let code = body.code.filter { !$0.isWhitespace }
        let result = try await mfa("phone change confirmation") { () async throws(MFAError) in
            try await registry.confirmPhoneNumberChange(accountID: accountID, challengeID: body.challengeID, code: code)
        }
        return json([
            ("method", methodJSON(result.method)),
            ("revokedTrustedDevices", .int(Int64(result.revokedTrustedDevices))),
        ])
    }

    func regenerateRecoveryCodes(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (_, accountID) = try requireAccount(context, [.signedIn])
        let issued = try await mfa("recovery codes") { () async throws(MFAError) in
            try await registry.generateRecoveryCodes(accountID: accountID)
        }
        return json([
            ("codes", .array(issued.codes.map { .string($0) })),
            ("replacedPreviousSet", .bool(issued.replacedPreviousSet)),
        ])
    }

    /// "Reset multi-factor authentication": removes every method, revokes trusted devices and sends the user
    /// back to the set-up screen (enforcement then requires a new method before anything else).
    func resetMFA(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        let (session, accountID) = try requireAccount(context, [.signedIn])
        let result = try await mfa("reset") { () async throws(MFAError) in
            try await registry.resetMFA(accountID: accountID, actor: .user)
        }
        sessions.removeAll(accountID: accountID, keeping: session.id)
        let next = sessions.rotate(session, now: now()) { next in
            next.stage = result.mustReenroll ? .enrollment : .signedIn
        }
        var response = sessionResponse(
            next,
            extra: [
                ("removedMethodIDs", .array(result.removedMethodIDs.map { .string($0) })),
                ("revokedTrustedDevices", .int(Int64(result.revokedTrustedDevices))),
            ])
        response.setCookie(cookies.expired(SiteCookies.deviceName))
        return response
    }

    static func methodName(_ raw: String) throws(APIError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...40).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw APIError(.badRequest, "invalid-name", "Use a name of 1 to 40 characters.") }
        return name
    }
}
