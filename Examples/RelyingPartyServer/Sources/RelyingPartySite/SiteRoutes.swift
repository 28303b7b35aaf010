import Logging
import HTTPTypes
import Foundation
import Hummingbird

/// Every API route, in one table: the router is built from it and the OpenAPI test compares it with
/// `openapi.yaml`.
extension SiteController {
    typealias Handler = @Sendable (SiteController) -> @Sendable (Request, SiteRequestContext) async throws -> Response

    static let routes: [(method: HTTPRequest.Method, path: String, handler: Handler)] = [
        (.get, "/api/session", { $0.getSession }),
        (.post, "/api/signup", { $0.signUp }),
        (.post, "/api/signin", { $0.signIn }),
        (.post, "/api/signout", { $0.signOut }),
        (.get, "/api/mfa/challenge", { $0.getChallenge }),
        (.post, "/api/mfa/verify", { $0.verifyCode }),
        (.post, "/api/mfa/sms/send", { $0.sendSignInSMS }),
        (.post, "/api/mfa/security-key/options", { $0.securityKeySignInOptions }),
        (.post, "/api/mfa/security-key/verify", { $0.securityKeySignInVerify }),
        (.post, "/api/sms/resend", { $0.resendSMS }),
        (.get, "/api/account", { $0.getAccount }),
        (.get, "/api/account/activity", { $0.getActivity }),
        (.post, "/api/account/methods/totp", { $0.beginTOTP }),
        (.post, "/api/account/methods/totp/{methodID}/confirm", { $0.confirmTOTP }),
        (.post, "/api/account/methods/sms", { $0.beginSMS }),
        (.post, "/api/account/methods/sms/confirm", { $0.confirmSMS }),
        (.post, "/api/account/methods/security-key/options", { $0.securityKeyRegistrationOptions }),
        (.post, "/api/account/methods/security-key", { $0.securityKeyRegistrationFinish }),
        (.patch, "/api/account/methods/{methodID}", { $0.renameMethod }),
        (.delete, "/api/account/methods/{methodID}", { $0.removeMethod }),
        (.post, "/api/account/methods/{methodID}/preferred", { $0.makePreferred }),
        (.post, "/api/account/methods/{methodID}/phone-number", { $0.beginPhoneChange }),
        (.post, "/api/account/phone-number/confirm", { $0.confirmPhoneChange }),
        (.post, "/api/account/recovery-codes", { $0.regenerateRecoveryCodes }),
        (.post, "/api/account/mfa/reset", { $0.resetMFA }),
        (.get, "/api/dev/outbox", { $0.getOutbox }),
    ]

    /// Registers ``routes`` on `router` (Hummingbird spells a capture `:name`; the table uses `{name}`).
    func addRoutes(to router: Router<SiteRequestContext>) {
        for route in Self.routes {
            let path = route.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            let handler = route.handler(self)
            router.on(RouterPath(path), method: route.method) { (request: Request, context: SiteRequestContext) -> Response in
                try await handler(request, context)
            }
        }
    }
}
