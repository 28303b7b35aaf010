public import Foundation
public import OneTimeCodes
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``SMSGateway`` over Twilio's Programmable Messaging REST API.
///
/// Each ``send(to:body:)`` is one `POST {baseURL}/2010-04-01/Accounts/{AccountSid}/Messages.json` with an
/// `application/x-www-form-urlencoded` body of `To`, then `From` or `MessagingServiceSid`, then `Body`,
/// and HTTP basic authentication (`AccountSid:AuthToken`, or `ApiKeySid:ApiKeySecret`). A 2xx answer
/// yields the message SID (`SM…`) and status (`queued`, `accepted`, …) as the receipt. Anything else is
/// an ``MFAError`` that carries Twilio's own error code and message from its JSON error body, for
/// example code `21211` for an invalid `To` number. Redirects are refused; the whole exchange must finish
/// within the configured timeout.
///
/// - Warning: The auth token is a full credential for the Twilio account. It is held as a
///   ``GatewaySecret``, which never prints, and it appears in no error reason.
public final class TwilioSMSGateway: SMSGateway {
    /// Where and how to reach Twilio.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// How the request authenticates.
        public enum Credentials: Sendable {
            /// The account SID as user name and the account's auth token as password.
            case authToken(GatewaySecret)
            /// An API key (`SK…`) as user name and its secret as password.
            case apiKey(sid: String, secret: GatewaySecret)
        }

        /// Who the message comes from.
        public enum Sender: Sendable, Hashable {
            /// A Twilio phone number, sent as `From`.
            case phoneNumber(PhoneNumber)
            /// An alphanumeric sender ID (1 to 11 letters, digits and spaces, at least one letter), sent as
            /// `From`. Not every country allows one.
            case alphanumericSenderID(String)
            /// A Messaging Service (`MG…`), sent as `MessagingServiceSid`; Twilio picks the number.
            case messagingService(sid: String)
        }

        /// Twilio's API host, `https://api.twilio.com`.
        public static let defaultBaseURL = URL(string: "https://api.twilio.com")!

        /// The account SID: `AC` and 32 hex digits.
        public var accountSID: String
        /// The credentials for basic authentication.
        public var credentials: Credentials
        /// The sender.
        public var sender: Sender
        /// The API's base URL. Tests point it at a local server; keep the default in production.
        public var baseURL: URL
        /// The limit for the whole request, from connecting to the last byte of the answer; rounded up to
        /// whole seconds (FoundationNetworking on Linux cannot time sub-second limits).
        public var timeout: Duration

        /// A configuration.
        ///
        /// - Parameters:
        ///   - accountSID: `AC` and 32 hex digits, from the Twilio console.
        ///   - credentials: The auth token, or an API key and its secret.
        ///   - sender: A Twilio number, an alphanumeric sender ID, or a Messaging Service.
        ///   - baseURL: Defaults to ``defaultBaseURL``.
        ///   - timeout: Defaults to 10 seconds.
        public init(
            accountSID: String, credentials: Credentials, sender: Sender, baseURL: URL = defaultBaseURL,
            timeout: Duration = .seconds(10)
        ) {
            self.accountSID = accountSID
            self.credentials = credentials
            self.sender = sender
            self.baseURL = baseURL
            self.timeout = timeout
        }

        /// The account, sender and endpoint; credentials show as `<redacted>`.
        public var description: String {
            let credentialText: String
            switch credentials {
            case .authToken: credentialText = "auth token <redacted>"
            case .apiKey(let sid, _): credentialText = "API key \(sid) <redacted>"
            }
            return "Twilio(account: \(accountSID), \(credentialText), sender: \(sender), baseURL: \(baseURL.absoluteString))"
        }
    }

    /// The configuration this gateway was made with.
    public let configuration: Configuration
    private let transport: HTTPTransport
    private let endpoint: URL
    private let authorization: String
    private let clock: @Sendable () -> Int64

    /// The longest body Twilio accepts, in Unicode scalars.
    public static let maximumBodyLength = 1600

    /// A gateway for `configuration`, checked up front so a bad setting fails at start-up, not at the first
    /// sign-in.
    ///
    /// - Parameters:
    ///   - configuration: Account, credentials, sender, endpoint and timeout.
    ///   - clock: Unix seconds for receipts; nil for the system clock.
    /// - Throws: ``MFAError/Code/invalidConfiguration`` for an account SID that is not `AC` and 32
    ///   hex digits, an API key SID not `SK…`, a Messaging Service SID not `MG…`, an invalid alphanumeric
    ///   sender ID, an empty secret, a base URL that is not http(s) with a host, or a timeout that is not
    ///   positive.
    public init(configuration: Configuration, clock: (@Sendable () -> Int64)? = nil) throws(MFAError) {
        guard Self.isSID(configuration.accountSID, prefix: "AC") else {
            throw MFAError(.invalidConfiguration, "a Twilio account SID is AC followed by 32 hex digits")
        }
        let user: String
        let secret: GatewaySecret
        switch configuration.credentials {
        case .authToken(let token):
            user = configuration.accountSID
            secret = token
        case .apiKey(let sid, let keySecret):
            guard Self.isSID(sid, prefix: "SK") else {
                throw MFAError(.invalidConfiguration, "a Twilio API key SID is SK followed by 32 hex digits")
            }
            user = sid
            secret = keySecret
        }
        guard !secret.isEmpty else { throw MFAError(.invalidConfiguration, "the Twilio secret is empty") }
        switch configuration.sender {
        case .phoneNumber:
            break
        case .alphanumericSenderID(let id):
            let allowed = id.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == " " }
            guard (1...11).contains(id.unicodeScalars.count), allowed,
                id.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic })
            else {
                throw MFAError(
                    .invalidConfiguration,
                    "an alphanumeric sender ID has 1 to 11 ASCII letters, digits and spaces, at least one a letter")
            }
        case .messagingService(let sid):
            guard Self.isSID(sid, prefix: "MG") else {
                throw MFAError(.invalidConfiguration, "a Messaging Service SID is MG followed by 32 hex digits")
            }
        }
        guard let scheme = configuration.baseURL.scheme?.lowercased(), scheme == "https" || scheme == "http",
            configuration.baseURL.host != nil, configuration.baseURL.query == nil
        else {
            throw MFAError(.invalidConfiguration, "the Twilio base URL must be http(s)://host[:port][/path]")
        }
        guard configuration.timeout > .zero else {
            throw MFAError(.invalidConfiguration, "the timeout must be positive")
        }
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let endpoint = URL(string: "\(base)/2010-04-01/Accounts/\(configuration.accountSID)/Messages.json")
        else {
            throw MFAError(.invalidConfiguration, "the Twilio base URL does not form a valid endpoint")
        }
        self.configuration = configuration
        self.endpoint = endpoint
        self.authorization = "Basic " + Data("\(user):\(secret.text)".utf8).base64EncodedString()
        self.transport = HTTPTransport(timeout: configuration.timeout)
        self.clock = clock ?? systemUnixTime
    }

    /// Asks Twilio to send `body` to `recipient`.
    ///
    /// - Parameters:
    ///   - recipient: The destination, sent as `To`.
    ///   - body: The text, sent as `Body`: 1 to 1600 Unicode scalars.
    /// - Returns: The receipt: Twilio's message SID and status.
    /// - Throws: ``MFAError`` — ``MFAError/Code/invalidMessage`` for an empty or too long body;
    ///   ``MFAError/Code/rejected`` (with Twilio's ``MFAError/providerCode``) for a 4xx,
    ///   ``MFAError/Code/authenticationFailed`` for 401/403, ``MFAError/Code/rateLimited`` for
    ///   429, ``MFAError/Code/providerUnavailable`` for a 5xx; ``MFAError/Code/timeout``,
    ///   ``MFAError/Code/connectionFailed`` or ``MFAError/Code/invalidResponse`` for transport
    ///   failures.
    public func send(to recipient: PhoneNumber, body: String) async throws(MFAError) -> DeliveryReceipt {
        guard !body.isEmpty else { throw MFAError(.invalidMessage, "the message body is empty") }
        guard body.unicodeScalars.count <= Self.maximumBodyLength else {
            throw MFAError(.invalidMessage, "Twilio accepts at most \(Self.maximumBodyLength) characters")
        }
        let form = FormURLEncoding.encode(formFields(to: recipient, body: body))
        let response = try await transport.post(
            endpoint,
            headers: [
                ("Authorization", authorization),
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            body: form)
        try response.requireSuccess(providerError: response.providerError)
        let object = response.jsonObject
        return DeliveryReceipt(
            channel: "twilio", messageID: object?["sid"] as? String, status: object?["status"] as? String,
            acceptedAt: clock())
    }

    /// The form fields in the order they are sent: `To`, the sender field, `Body`.
    func formFields(to recipient: PhoneNumber, body: String) -> [(name: String, value: String)] {
        let senderField: (name: String, value: String)
        switch configuration.sender {
        case .phoneNumber(let number): senderField = ("From", number.e164)
        case .alphanumericSenderID(let id): senderField = ("From", id)
        case .messagingService(let sid): senderField = ("MessagingServiceSid", sid)
        }
        return [("To", recipient.e164), senderField, ("Body", body)]
    }

    /// Whether `sid` is `prefix` and 32 hex digits: the shape of every Twilio SID.
    private static func isSID(_ sid: String, prefix: String) -> Bool {
        let scalars = Array(sid.unicodeScalars)
        guard scalars.count == 34, sid.hasPrefix(prefix) else { return false }
        return scalars.dropFirst(2).allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
