import Logging
import HTTPTypes
import Foundation
import Hummingbird

/// The two cookies the site sets, with their security attributes in one place.
///
/// Both are `HttpOnly` (scripts cannot read them) and `SameSite=Strict` (never sent on cross-site
/// requests). `Secure` is set whenever the site's public origin is `https://`. On `http://localhost` the
/// browser would drop a `Secure` cookie, so development over plain HTTP is the one documented exception.
struct SiteCookies: Sendable {
    static let sessionName = "kb_session"
    static let deviceName = "kb_device"

    let secure: Bool

    /// The session cookie: no `Max-Age`, so it ends with the browser session.
    func session(_ id: String) -> Cookie {
        Cookie(name: Self.sessionName, value: id, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The trusted-device cookie: the registry's token, kept for its lifetime (5 days).
    func device(_ token: String, maxAge: Int64) -> Cookie {
        Cookie(
            name: Self.deviceName, value: token, maxAge: Int(max(maxAge, 0)), path: "/", secure: secure,
            httpOnly: true, sameSite: .strict)
    }

    /// Clears a cookie.
    func expired(_ name: String) -> Cookie {
        Cookie(
            name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", secure: secure,
            httpOnly: true, sameSite: .strict)
    }
}
