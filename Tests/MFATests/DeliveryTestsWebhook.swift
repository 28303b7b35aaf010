import Foundation
import MFA
import OneTimeCodes
import Testing

/// WebhookSMSGateway against a loopback server. Signatures are checked with Python's `hmac` module,
/// which shares no code with the gateway.
@Suite struct DeliveryTestsWebhook {
    static let recipient = try! PhoneNumber("+1 (876) 555-0123")
    static let secretBytes: [UInt8] = Array("webhook-shared-secret-\u{00e9}".utf8)

    static func gateway(
        _ server: LoopbackHTTPServer, secret: GatewaySecret? = GatewaySecret(bytes: secretBytes),
        extraFields: [String: String] = [:], headers: [String: String] = [:], timeout: Duration = .seconds(5)
    ) throws -> WebhookSMSGateway {
        try WebhookSMSGateway(
            configuration: .init(
                url: server.baseURL.appendingPathComponent("hooks/sms"), signingSecret: secret,
                extraFields: extraFields, headers: headers, timeout: timeout),
            clock: { 1_700_000_123 })
    }

    /// `sha256=` + HMAC-SHA256 hex by Python's hmac module, over `body` given on stdin.
    static func pythonSignature(body: [UInt8], secret: [UInt8]) throws -> String {
        let hexSecret = secret.map { String(format: "%02x", $0) }.joined()
        let lines = try ReferenceTools.python(
            "import hmac, hashlib, sys; print('sha256=' + hmac.new(bytes.fromhex(sys.argv[1]), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())",
            [hexSecret], input: body)
        return lines.first ?? ""
    }

    @Test("a send POSTs {body, id, timestamp, to, extras} as JSON, signed with HMAC-SHA256 that Python verifies")
    func signedJSONBody() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, #"{"id":"provider-77","status":"accepted"}"#) }
        defer { server.stop() }
        let gateway = try Self.gateway(
            server, extraFields: ["sender": "KeyBridge", "tenant": "acme/eu"], headers: ["Authorization": "Bearer abc"])
        let receipt = try await gateway.send(to: Self.recipient, body: "Your code is 123456\n\"quoted\" ✓")

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == "/hooks/sms")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Authorization") == "Bearer abc")

        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(Set(object.keys) == ["body", "id", "timestamp", "to", "sender", "tenant"])
        #expect(object["to"] as? String == "+18765550123")
        #expect(object["body"] as? String == "Your code is 123456\n\"quoted\" ✓")
        #expect((object["timestamp"] as? NSNumber)?.int64Value == 1_700_000_123)
        #expect(object["tenant"] as? String == "acme/eu")
        let id = try #require(object["id"] as? String)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))

        let signature = try #require(request.header("X-KeyBridge-Signature"))
        #expect(signature == (try Self.pythonSignature(body: request.body, secret: Self.secretBytes)))
        #expect(WebhookSignature.isValid(headerValue: signature, body: request.body, secret: GatewaySecret(bytes: Self.secretBytes)))
        var tampered = request.body
        tampered[tampered.count - 2] ^= 0x01
        #expect(!WebhookSignature.isValid(headerValue: signature, body: tampered, secret: GatewaySecret(bytes: Self.secretBytes)))
        #expect(!WebhookSignature.isValid(headerValue: signature, body: request.body, secret: GatewaySecret("other")))

        #expect(receipt == DeliveryReceipt(channel: "webhook", messageID: "provider-77", status: "accepted", acceptedAt: 1_700_000_123))
    }

    @Test("without a secret no signature header is sent, and the receipt falls back to the id that was sent")
    func unsignedAndFallbackID() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(status: 202, headers: [], body: []) }
        defer { server.stop() }
        let receipt = try await Self.gateway(server, secret: nil).send(to: Self.recipient, body: "Code 9")
        let request = try #require(server.requests.first)
        #expect(request.header("X-KeyBridge-Signature") == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(receipt.messageID == object["id"] as? String)
        #expect(receipt.status == nil)
    }

    @Test("two sends carry different ids, so a receiver can refuse replays")
    func uniqueIDs() async throws {
        let server = try LoopbackHTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let first = try await gateway.send(to: Self.recipient, body: "a")
        let second = try await gateway.send(to: Self.recipient, body: "a")
        #expect(first.messageID != second.messageID)
    }

    @Test("failures are reported: 503 with a JSON error, 400, timeout and refused connection")
    func failures() async throws {
        let server = try LoopbackHTTPServer { request in
            if request.bodyText.contains("\"body\":\"hang\"") { return .hang }
            if request.bodyText.contains("\"body\":\"bad\"") { return .json(400, #"{"error":"unknown number","code":"E_NUMBER"}"#) }
            return .json(503, #"{"error":"maintenance"}"#)
        }
        defer { server.stop() }
        let gateway = try Self.gateway(server, timeout: .milliseconds(500))

        let unavailable = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "x") }
        #expect(unavailable?.code == .providerUnavailable)
        #expect(unavailable?.providerMessage == "maintenance")

        let rejected = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "bad") }
        #expect(rejected?.code == .rejected)
        #expect(rejected?.providerCode == "E_NUMBER")
        #expect(rejected?.providerMessage == "unknown number")

        let timedOut = await #expect(throws: MFAError.self) { try await gateway.send(to: Self.recipient, body: "hang") }
        #expect(timedOut?.code == .timeout)

        let port = try unusedLoopbackPort()
        let refused = try WebhookSMSGateway(configuration: .init(url: URL(string: "http://127.0.0.1:\(port)/x")!, timeout: .seconds(2)))
        let connection = await #expect(throws: MFAError.self) { try await refused.send(to: Self.recipient, body: "x") }
        #expect(connection?.code == .connectionFailed)
    }

    @Test("bad settings fail at construction: scheme, empty secret, reserved extra field, header name, timeout")
    func configurationChecks() throws {
        let url = URL(string: "https://sms.example.org/hook")!
        let bad: [WebhookSMSGateway.Configuration] = [
            .init(url: URL(string: "file:///tmp/x")!),
            .init(url: url, signingSecret: GatewaySecret("")),
            .init(url: url, extraFields: ["to": "+1"]),
            .init(url: url, extraFields: ["timestamp": "0"]),
            .init(url: url, signatureHeader: "Bad Header"),
            .init(url: url, headers: ["X:Y": "z"]),
            .init(url: url, timeout: .seconds(-1)),
        ]
        for configuration in bad {
            #expect(throws: MFAError(.invalidConfiguration, "")) { try WebhookSMSGateway(configuration: configuration) }
        }
        let good = WebhookSMSGateway.Configuration(url: url, signingSecret: GatewaySecret("hidden-value"))
        #expect(!"\(good)".contains("hidden-value"))
    }
}
