import Foundation
import MFA
import OneTimeCodes
import Testing

/// TwilioSMSGateway against a loopback server that records the request. The expected form bodies and
/// Authorization headers were produced independently with Python's standard library:
/// `urllib.parse.urlencode([...])` (which agrees with the WHATWG serializer for text without `~` and `*`)
/// and `base64.b64encode(b"SID:SECRET")`.
@Suite struct DeliveryTestsTwilio {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "test-auth-token-5f2b"
    static let messageBody = "Your KeyBridge code is 123456. Don't share it: 100% yours & only yours = safe? \u{2713}\nBye"

    static func gateway(
        _ server: LoopbackHTTPServer, sender: TwilioSMSGateway.Configuration.Sender? = nil,
        credentials: TwilioSMSGateway.Configuration.Credentials = .authToken(GatewaySecret(authToken)),
        timeout: Duration = .seconds(5), baseURL: URL? = nil
    ) throws -> TwilioSMSGateway {
        try TwilioSMSGateway(
            configuration: .init(
                accountSID: accountSID, credentials: credentials,
                sender: try sender ?? .phoneNumber(PhoneNumber("+15005550006")),
                baseURL: baseURL ?? server.baseURL, timeout: timeout),
            clock: { 1_700_000_000 })
    }

    static let recipient = try! PhoneNumber("+44 7700 900123")

    @Test("a send is one POST to /2010-04-01/Accounts/{sid}/Messages.json with the exact form body and basic auth")
    func exactRequest() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(201, #"{"sid":"SM00000000000000000000000000000042","status":"queued","to":"+447700900123"}"#)
        }
        defer { server.stop() }
        let receipt = try await Self.gateway(server).send(to: Self.recipient, body: Self.messageBody)

        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.target == "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        // base64.b64encode(b"AC0123456789abcdef0123456789abcdef:test-auth-token-5f2b")
        #expect(
            request.header("Authorization")
                == "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0ZXN0LWF1dGgtdG9rZW4tNWYyYg==")
        #expect(
            request.bodyText
                == "To=%2B447700900123&From=%2B15005550006&Body=Your+KeyBridge+code+is+123456.+Don%27t+share+it%3A"
                + "+100%25+yours+%26+only+yours+%3D+safe%3F+%E2%9C%93%0ABye")
        #expect(request.header("Content-Length") == String(request.body.count))

        #expect(receipt == DeliveryReceipt(
            channel: "twilio", messageID: "SM00000000000000000000000000000042", status: "queued",
            acceptedAt: 1_700_000_000))
    }

    @Test("a Messaging Service sender is sent as MessagingServiceSid instead of From")
    func messagingService() async throws {
        let server = try LoopbackHTTPServer { _ in .json(201, #"{"sid":"SM1","status":"accepted"}"#) }
        defer { server.stop() }
        let gateway = try Self.gateway(server, sender: .messagingService(sid: "MG00000000000000000000000000000001"))
        let receipt = try await gateway.send(to: Self.recipient, body: "Code 654321")
        #expect(server.requests.first?.bodyText
            == "To=%2B447700900123&MessagingServiceSid=MG00000000000000000000000000000001&Body=Code+654321")
        #expect(receipt.status == "accepted")
    }

    @Test("an API key authenticates as KeySid:KeySecret, and '*' stays while '~' is escaped (WHATWG §5.2)")
    func apiKeyAndWhatwgCharacters() async throws {
        let server = try LoopbackHTTPServer { _ in .json(201, #"{"sid":"SM2","status":"queued"}"#) }
        defer { server.stop() }
        let gateway = try Self.gateway(
            server, sender: .alphanumericSenderID("KeyBridge"),
            credentials: .apiKey(sid: "SK00112233445566778899aabbccddeeff", secret: GatewaySecret("key-secret-9")))
        _ = try await gateway.send(to: Self.recipient, body: "a*b~c")
        let request = try #require(server.requests.first)
        // base64.b64encode(b"SK00112233445566778899aabbccddeeff:key-secret-9")
        #expect(request.header("Authorization") == "Basic U0swMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmJjY2RkZWVmZjprZXktc2VjcmV0LTk=")
        // WHATWG URL §5.2: '*' is in the set left alone, '~' is not (0x7E -> %7E).
        #expect(request.bodyText == "To=%2B447700900123&From=KeyBridge&Body=a*b%7Ec")
    }

    @Test("a 400 with Twilio's JSON error becomes .rejected with Twilio's code and message, and no token")
    func rejectedWithTwilioError() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(400, #"{"code": 21211, "message": "The 'To' number +447700900123 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#)
        }
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let error = await #expect(throws: MFAError.self) {
            try await gateway.send(to: Self.recipient, body: "Code 1")
        }
        #expect(error?.code == .rejected)
        #expect(error?.httpStatus == 400)
        #expect(error?.providerCode == "21211")
        #expect(error?.providerMessage == "The 'To' number +447700900123 is not a valid phone number.")
        #expect(error?.isRetryable == false)
        #expect(!(error.map { "\($0) \($0.reason)" } ?? "").contains(Self.authToken))
    }

    @Test("HTTP statuses map to codes: 401 authentication, 429 rate limit with Retry-After, 500 unavailable")
    func statusMapping() async throws {
        let server = try LoopbackHTTPServer { request in
            switch request.bodyText.hasSuffix("Body=401") ? 401 : request.bodyText.hasSuffix("Body=429") ? 429 : 500 {
            case 401: return .json(401, #"{"code": 20003, "message": "Authenticate", "status": 401}"#)
            case 429: return .json(429, #"{"code": 20429, "message": "Too Many Requests"}"#, headers: [("Retry-After", "7")])
            default: return .respond(status: 500, headers: [("Content-Type", "text/html")], body: Array("<h1>oops</h1>".utf8))
            }
        }
        defer { server.stop() }
        let gateway = try Self.gateway(server)

        let unauthorised = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "401") }
        #expect(unauthorised?.code == .authenticationFailed)
        #expect(unauthorised?.providerCode == "20003")

        let limited = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "429") }
        #expect(limited?.code == .rateLimited)
        #expect(limited?.retryAfter == 7)
        #expect(limited?.isRetryable == true)

        let failed = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "500") }
        #expect(failed?.code == .providerUnavailable)
        #expect(failed?.httpStatus == 500)
        #expect(failed?.providerCode == nil)
        #expect(failed?.isRetryable == true)
        #expect(server.requests.count == 3)
    }

    @Test("a server that never answers gives .timeout after the configured timeout, not a hang")
    func timeout() async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let gateway = try Self.gateway(server, timeout: .seconds(1))
        let start = ContinuousClock.now
        let error = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "Code 2") }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .timeout)
        #expect(error?.isRetryable == true)
        #expect(elapsed >= .milliseconds(900))
        // Not a timing assertion (the machine is shared and noisy): it only tells the configured 1 s timeout from
        // URLSession's default 60 s request timeout, which is what a gateway ignoring its configuration would get.
        #expect(elapsed < .seconds(45))
        #expect(server.requests.count == 1)
    }

    @Test("a sub-second timeout is rounded up to a whole second, not applied as zero")
    func subSecondTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in .hang }
        defer { server.stop() }
        let gateway = try Self.gateway(server, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "Code 5") }
        #expect(error?.code == .timeout)
        #expect(ContinuousClock.now - start >= .milliseconds(900))
    }

    @Test("a refused connection gives .connectionFailed")
    func connectionRefused() async throws {
        let port = try unusedLoopbackPort()
        let server = try LoopbackHTTPServer { _ in .hang }
        server.stop()
        let gateway = try Self.gateway(server, baseURL: URL(string: "http://127.0.0.1:\(port)"))
        let error = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "Code 3") }
        #expect(error?.code == .connectionFailed)
    }

    @Test("a redirect is not followed: the credentials go to one place only, and the send fails")
    func redirectRefused() async throws {
        let server = try LoopbackHTTPServer { request in
            request.target.hasPrefix("/elsewhere")
                ? .json(201, #"{"sid":"SM3"}"#)
                : .respond(status: 307, headers: [("Location", "/elsewhere")], body: [])
        }
        defer { server.stop() }
        let error = await #expect(throws: MFAError.self) {
            try await Self.gateway(server).send(to: Self.recipient, body: "Code 4")
        }
        #expect(error?.code == .invalidResponse)
        #expect(error?.httpStatus == 307)
        #expect(server.requests.map(\.target) == ["/2010-04-01/Accounts/\(Self.accountSID)/Messages.json"])
    }

    @Test("an empty or over-long body is refused before any request is made")
    func invalidBodies() async throws {
        let server = try LoopbackHTTPServer { _ in .json(201, "{}") }
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        await #expect(throws: MFAError(.invalidMessage, "")) { try await gateway.send(to: Self.recipient, body: "") }
        await #expect(throws: MFAError(.invalidMessage, "")) {
            try await gateway.send(to: Self.recipient, body: String(repeating: "x", count: 1601))
        }
        #expect(server.requests.isEmpty)
    }

    @Test("bad settings fail at construction: account SID, API key SID, service SID, sender ID, secret, URL, timeout")
    func configurationChecks() throws {
        let number = try PhoneNumber("+15005550006")
        let token = TwilioSMSGateway.Configuration.Credentials.authToken(GatewaySecret("t"))
        let bad: [TwilioSMSGateway.Configuration] = [
            .init(accountSID: "AC123", credentials: token, sender: .phoneNumber(number)),
            .init(accountSID: "XX0123456789abcdef0123456789abcdef", credentials: token, sender: .phoneNumber(number)),
            .init(accountSID: "AC0123456789abcdef0123456789abcdeg", credentials: token, sender: .phoneNumber(number)),
            .init(accountSID: Self.accountSID, credentials: .authToken(GatewaySecret("")), sender: .phoneNumber(number)),
            .init(accountSID: Self.accountSID, credentials: .apiKey(sid: "SK1", secret: GatewaySecret("s")),
                  sender: .phoneNumber(number)),
            .init(accountSID: Self.accountSID, credentials: token, sender: .messagingService(sid: "MG12")),
            .init(accountSID: Self.accountSID, credentials: token, sender: .alphanumericSenderID("TwelveLetter")),
            .init(accountSID: Self.accountSID, credentials: token, sender: .alphanumericSenderID("12345")),
            .init(accountSID: Self.accountSID, credentials: token, sender: .phoneNumber(number),
                  baseURL: URL(string: "ftp://api.twilio.com")!),
            .init(accountSID: Self.accountSID, credentials: token, sender: .phoneNumber(number), timeout: .zero),
        ]
        for configuration in bad {
            #expect(throws: MFAError(.invalidConfiguration, "")) { try TwilioSMSGateway(configuration: configuration) }
        }
        _ = try TwilioSMSGateway(
            configuration: .init(accountSID: Self.accountSID, credentials: token, sender: .alphanumericSenderID("Key Bridge1")))
    }

    @Test("the auth token appears in no description, debug description or dump of the configuration")
    func tokenNeverPrinted() throws {
        let configuration = TwilioSMSGateway.Configuration(
            accountSID: Self.accountSID, credentials: .authToken(GatewaySecret(Self.authToken)),
            sender: .phoneNumber(try PhoneNumber("+15005550006")))
        var dumped = ""
        dump(configuration, to: &dumped)
        let texts = [
            "\(configuration)", String(describing: configuration), String(reflecting: configuration), dumped,
            "\(GatewaySecret(Self.authToken))", String(reflecting: GatewaySecret(Self.authToken)),
        ]
        for text in texts {
            #expect(!text.contains(Self.authToken), "\(text)")
        }
        #expect(texts[0].contains(Self.accountSID))
    }
}
