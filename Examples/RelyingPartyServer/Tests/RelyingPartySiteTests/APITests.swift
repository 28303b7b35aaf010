import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RelyingPartySite
import Testing

/// The API's guards, through the router in process: CSRF, origin, typed errors for bad input, cookie flags.
@Suite struct APITests {
    struct Fixture {
        let site: Site
        let directory: URL
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("rp-api-\(UUID().uuidString)")
            site = try Site(configuration: SiteConfiguration(port: 8080, dataDirectory: directory.path))
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// Starts a session; returns its cookie header value and CSRF token.
    static func session(_ client: some TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        try await client.execute(uri: "/api/session", method: .get) { response in
            let setCookie = try #require(response.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(!setCookie.contains("Secure"), "http://localhost: the documented development exception")
            let cookie = String(try #require(setCookie.split(separator: ";").first))
            let csrf = try #require(try json(response)["csrfToken"] as? String)
            return (cookie, csrf)
        }
    }

    @Test func stateChangingRequestsNeedTheCSRFToken() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let app = Application(router: fixture.site.makeRouter())
        try await app.test(.router) { client in
            let (cookie, csrf) = try await Self.session(client)
            let body = ByteBuffer(string: #"{"username":"bob","password":"x"}"#)
            try await client.execute(uri: "/api/signin", method: .post, headers: [.cookie: cookie], body: body) { response in
                #expect(response.status == .forbidden)
                let object = try Self.json(response)
                #expect(object["error"] as? String == "csrf-failed")
            }
            try await client.execute(
                uri: "/api/signin", method: .post,
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: String(csrf.reversed())], body: body
            ) { response in
                let object = try Self.json(response)
                #expect(object["error"] as? String == "csrf-failed")
            }
            try await client.execute(
                uri: "/api/signin", method: .post,
                headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf, .origin: "https://evil.example"], body: body
            ) { response in
                #expect(response.status == .forbidden)
                let object = try Self.json(response)
                #expect(object["error"] as? String == "origin-not-allowed")
            }
            try await client.execute(
                uri: "/api/signin", method: .post, headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                body: body
            ) { response in
                #expect(response.status == .unauthorized)
                let object = try Self.json(response)
                #expect(object["error"] as? String == "invalid-credentials")
            }
        }
    }

    @Test(arguments: [
        ("", "malformed-request"),
        ("[1,2]", "malformed-request"),
        (#"{"username":"a"}"#, "malformed-request"),
        (#"{"username":"a b","password":"long enough password"}"#, "invalid-username"),
        (#"{"username":"carol","password":"short"}"#, "weak-password"),
        (#"{"username":"carol","password":"long enough password","phoneNumber":"12"}"#, "invalid-phone-number"),
    ])
    func badSignUpInputGetsATypedError(body: String, code: String) async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let app = Application(router: fixture.site.makeRouter())
        try await app.test(.router) { client in
            let (cookie, csrf) = try await Self.session(client)
            try await client.execute(
                uri: "/api/signup", method: .post, headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let object = try Self.json(response)
                #expect(object["error"] as? String == code)
                #expect((object["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func signUpRequiresMFASetUpAndGuardsTheAccountPages() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let app = Application(router: fixture.site.makeRouter())
        try await app.test(.router) { client in
            let (cookie, csrf) = try await Self.session(client)
            let newCookie = try await client.execute(
                uri: "/api/signup", method: .post, headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                body: ByteBuffer(string: #"{"username":"dave@example.com","password":"a long passphrase"}"#)
            ) { response in
                #expect(response.status == .ok)
                let object = try Self.json(response)
                #expect(object["stage"] as? String == "enrollment")
                #expect(object["next"] as? String == "/setup/")
                let setCookie = try #require(response.headers[.setCookie])
                return String(try #require(setCookie.split(separator: ";").first))
            }
            #expect(newCookie != cookie, "the session identifier rotates after the password step")
            try await client.execute(uri: "/api/account", method: .get, headers: [.cookie: newCookie]) { response in
                #expect(response.status == .forbidden)
                let object = try Self.json(response)
                #expect(object["error"] as? String == "enrollment-required")
            }
            try await client.execute(uri: "/api/account", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .unauthorized, "the pre-sign-up session identifier is dead")
            }
            try await client.execute(uri: "/api/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let object = try Self.json(response)
                #expect(object["error"] as? String == "not-found")
            }
        }
    }
}
