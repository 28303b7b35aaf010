public import Foundation
public import OneTimeCodes
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``SMSGateway`` that POSTs each message as JSON to a URL of the deployment's choosing, for SMS
/// providers without a dedicated gateway here.
///
/// The body is one JSON object with sorted keys, for example
/// `{"body":"Your code is 123456","id":"5f0c…","timestamp":1700000000,"to":"+447700900123"}`, plus the
/// configured ``Configuration/extraFields``. When a signing secret is set, the header named by
/// ``Configuration/signatureHeader`` carries `sha256=` and the lowercase hex HMAC-SHA256 of the exact body
/// bytes under that secret (see ``WebhookSignature``); the signed `timestamp` and `id` let the receiver
/// refuse stale and replayed requests. A 2xx answer is acceptance; its JSON `id` or `message_id`, when
/// present, becomes the receipt's message ID. Any other answer, a timeout or a connection failure is an
/// ``MFAError``.
public final class WebhookSMSGateway: SMSGateway {
    /// Where to POST, and how to sign.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The receiving endpoint: `http` or `https`.
        public var url: URL
        /// The HMAC-SHA256 key; nil sends unsigned requests.
        public var signingSecret: GatewaySecret?
        /// The header that carries the signature. Default `X-KeyBridge-Signature`.
        public var signatureHeader: String
        /// Extra string members added to every body, for example a sender name or a tenant. They may not
        /// reuse `to`, `body`, `id` or `timestamp`.
        public var extraFields: [String: String]
        /// Extra request headers, for example a bearer token for the receiver.
        ///
        /// - Warning: These values are sent as given; keep secrets here out of logs yourself.
        public var headers: [String: String]
        /// The limit for the whole request; rounded up to whole seconds (FoundationNetworking on Linux
        /// cannot time sub-second limits).
        public var timeout: Duration

        /// A configuration.
        ///
        /// - Parameters:
        ///   - url: The endpoint.
        ///   - signingSecret: The HMAC key, or nil for no signature.
        ///   - signatureHeader: The signature's header name.
        ///   - extraFields: Members added to every body.
        ///   - headers: Headers added to every request.
        ///   - timeout: Defaults to 10 seconds.
        public init(
            url: URL, signingSecret: GatewaySecret? = nil, signatureHeader: String = "X-KeyBridge-Signature",
            extraFields: [String: String] = [:], headers: [String: String] = [:], timeout: Duration = .seconds(10)
        ) {
            self.url = url
            self.signingSecret = signingSecret
            self.signatureHeader = signatureHeader
            self.extraFields = extraFields
            self.headers = headers
            self.timeout = timeout
        }

        /// The endpoint and whether requests are signed; header values and the secret are not shown.
        public var description: String {
            "Webhook(url: \(HTTPTransport.describe(url)), signed: \(signingSecret != nil), "
                + "extraFields: \(extraFields.keys.sorted()), headers: \(headers.keys.sorted()))"
        }
    }

    /// The members every body has, which ``Configuration/extraFields`` may not replace.
    public static let reservedFields: Set<String> = ["to", "body", "id", "timestamp"]

    /// The configuration this gateway was made with.
    public let configuration: Configuration
    private let transport: HTTPTransport
    private let clock: @Sendable () -> Int64

    /// A gateway for `configuration`, checked up front.
    ///
    /// - Parameters:
    ///   - configuration: Endpoint, signing and timeout.
    ///   - clock: Unix seconds for the `timestamp` member and receipts; nil for the system clock.
    /// - Throws: ``MFAError/Code/invalidConfiguration`` for a URL that is not http(s) with a host, an
    ///   empty signing secret, an empty or malformed header name, an extra field that reuses a reserved
    ///   member, or a timeout that is not positive.
    public init(configuration: Configuration, clock: (@Sendable () -> Int64)? = nil) throws(MFAError) {
        guard let scheme = configuration.url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            configuration.url.host != nil
        else {
            throw MFAError(.invalidConfiguration, "the webhook URL must be http(s)://host…")
        }
        if let secret = configuration.signingSecret, secret.isEmpty {
            throw MFAError(.invalidConfiguration, "the webhook signing secret is empty")
        }
        for name in [configuration.signatureHeader] + Array(configuration.headers.keys) where !Self.isToken(name) {
            throw MFAError(.invalidConfiguration, "\"\(name)\" is not a valid HTTP header name")
        }
        if let reused = configuration.extraFields.keys.sorted().first(where: Self.reservedFields.contains) {
            throw MFAError(.invalidConfiguration, "the extra field \"\(reused)\" would replace a reserved member")
        }
        guard configuration.timeout > .zero else {
            throw MFAError(.invalidConfiguration, "the timeout must be positive")
        }
        self.configuration = configuration
        self.transport = HTTPTransport(timeout: configuration.timeout)
        self.clock = clock ?? systemUnixTime
    }

    /// POSTs `{to, body, id, timestamp, …extraFields}` to the endpoint, signed when a secret is set.
    ///
    /// - Parameters:
    ///   - recipient: The destination, sent as `to` in E.164.
    ///   - body: The text, sent as `body`; must not be empty.
    /// - Returns: The receipt; its message ID is the answer's `id` or `message_id`, else the `id` sent.
    /// - Throws: ``MFAError`` — ``MFAError/Code/invalidMessage`` for an empty body; the HTTP
    ///   status codes map as for ``TwilioSMSGateway``; ``MFAError/Code/timeout``,
    ///   ``MFAError/Code/connectionFailed`` or ``MFAError/Code/invalidResponse`` for transport
    ///   failures.
    public func send(to recipient: PhoneNumber, body: String) async throws(MFAError) -> DeliveryReceipt {
        guard !body.isEmpty else { throw MFAError(.invalidMessage, "the message body is empty") }
        let id = MessageIdentifier.generate()
        let now = clock()
        let payload = try Self.encodeBody(
            to: recipient.e164, body: body, id: id, timestamp: now, extraFields: configuration.extraFields)
        var headers: [(name: String, value: String)] = configuration.headers.sorted { $0.key < $1.key }.map {
            ($0.key, $0.value)
        }
        headers.append(("Content-Type", "application/json"))
        headers.append(("Accept", "application/json"))
        if let secret = configuration.signingSecret {
            headers.append((configuration.signatureHeader, WebhookSignature.headerValue(body: payload, secret: secret)))
        }
        let response = try await transport.post(configuration.url, headers: headers, body: payload)
        try response.requireSuccess(providerError: response.providerError)
        let object = response.jsonObject
        let answeredID = (object?["id"] as? String) ?? (object?["message_id"] as? String)
        return DeliveryReceipt(
            channel: "webhook", messageID: answeredID ?? id, status: object?["status"] as? String, acceptedAt: now)
    }

    /// The JSON body: one object, keys sorted, slashes not escaped.
    static func encodeBody(to: String, body: String, id: String, timestamp: Int64, extraFields: [String: String])
        throws(MFAError) -> [UInt8]
    {
        var object: [String: JSONScalar] = extraFields.mapValues { .string($0) }
        object["to"] = .string(to)
        object["body"] = .string(body)
        object["id"] = .string(id)
        object["timestamp"] = .integer(timestamp)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(object))
        } catch {
            throw MFAError(.invalidMessage, "the webhook body cannot be encoded as JSON: \(error)")
        }
    }

    /// Whether `name` is an HTTP field name (RFC 9110 §5.1: a `token`).
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
                }
            }
    }
}

/// A JSON member value of a webhook body: a string or an integer.
enum JSONScalar: Encodable {
    case string(String)
    case integer(Int64)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        }
    }
}
