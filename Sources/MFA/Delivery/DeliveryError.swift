/// Why a message (an SMS code or an MFA notification) could not be handed to its delivery channel.
///
/// Every gateway and notifier reports failures with this one type, so a caller can tell a permanent
/// rejection (``Code/rejected``: a bad number, a blocked destination) from a transient one
/// (``Code/timeout``, ``Code/providerUnavailable``) with ``isRetryable``, and can show the provider's own
/// error code from ``providerCode``. Two errors are equal when their codes are equal.
///
/// - Warning: ``reason`` is for operators' logs. It never contains a credential (a Twilio auth token or a
///   webhook secret), but it may contain a provider's message, which can echo the destination number.
public struct DeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case invalidMessage = "invalid-message"
            case invalidConfiguration = "invalid-configuration"
            case timeout = "timeout"
            case connectionFailed = "connection-failed"
            case rejected = "rejected"
            case authenticationFailed = "authentication-failed"
            case rateLimited = "rate-limited"
            case providerUnavailable = "provider-unavailable"
            case invalidResponse = "invalid-response"
            case outboxUnavailable = "outbox-unavailable"
            case outboxCorrupt = "outbox-corrupt"
            case cancelled = "cancelled"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `timeout`.
        public var rawValue: String { backing.rawValue }
        /// The stable string form, as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// The message itself is unusable: an empty body, or one longer than the channel accepts.
        public static let invalidMessage = Code(.invalidMessage)
        /// The gateway is set up wrongly: an empty account SID, a URL that is not http or https, …
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// No complete answer arrived within the gateway's timeout. The message may or may not have been sent.
        public static let timeout = Code(.timeout)
        /// No connection: refused, unreachable, a name that does not resolve, or a TLS failure.
        public static let connectionFailed = Code(.connectionFailed)
        /// The provider refused this message (an HTTP 4xx other than 401, 403 and 429). Retrying the same
        /// message will not help.
        public static let rejected = Code(.rejected)
        /// The provider refused the gateway's credentials (HTTP 401 or 403).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The provider asked the sender to slow down (HTTP 429); see ``DeliveryError/retryAfter``.
        public static let rateLimited = Code(.rateLimited)
        /// The provider failed (HTTP 5xx). A later retry may succeed.
        public static let providerUnavailable = Code(.providerUnavailable)
        /// The provider answered with something that is not HTTP, or not what its API documents.
        public static let invalidResponse = Code(.invalidResponse)
        /// The outbox file cannot be opened, written, synced or read.
        public static let outboxUnavailable = Code(.outboxUnavailable)
        /// A complete line of the outbox file is not a record this module wrote.
        public static let outboxCorrupt = Code(.outboxCorrupt)
        /// The sending task was cancelled before the provider answered.
        public static let cancelled = Code(.cancelled)
    }

    /// The stable code.
    public let code: Code
    /// Why, for logs and developers. Not stable; do not match on it.
    public let reason: String
    /// The HTTP status the provider answered with, when there was one.
    public let httpStatus: Int?
    /// The provider's own error code, when its answer carried one (Twilio's `code`, for example `21211`).
    public let providerCode: String?
    /// The provider's own error message, when its answer carried one.
    public let providerMessage: String?
    /// For ``Code/rateLimited``: the seconds the provider asked to wait (its `Retry-After` header).
    public let retryAfter: Int64?
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// An error with `code` and `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - reason: Why, for logs. Never put a credential here.
    ///   - httpStatus: The provider's HTTP status, if any.
    ///   - providerCode: The provider's error code, if any.
    ///   - providerMessage: The provider's error message, if any.
    ///   - retryAfter: Seconds until a retry may succeed, where the provider said so.
    public init(
        _ code: Code, _ reason: String, httpStatus: Int? = nil, providerCode: String? = nil,
        providerMessage: String? = nil, retryAfter: Int64? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.providerMessage = providerMessage
        self.retryAfter = retryAfter
        self.file = file
        self.line = line
    }

    /// Whether sending the same message again later may succeed.
    ///
    /// True for ``Code/timeout``, ``Code/connectionFailed``, ``Code/rateLimited``,
    /// ``Code/providerUnavailable`` and ``Code/outboxUnavailable``; false for rejections and configuration
    /// errors, which need a person to act.
    ///
    /// - Warning: After a ``Code/timeout`` the provider may already have accepted the message. A retry can
    ///   deliver it twice; for a one-time code that is harmless, since only the newest code is accepted.
    public var isRetryable: Bool {
        switch code {
        case .timeout, .connectionFailed, .rateLimited, .providerUnavailable, .outboxUnavailable:
            return true
        default:
            return false
        }
    }

    /// `code: reason`, with the HTTP status and the provider's code when known.
    public var description: String {
        var text = "\(code.rawValue): \(reason)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let providerCode { text += " [provider code \(providerCode)]" }
        return text
    }

    /// Equal when the codes are equal.
    public static func == (lhs: DeliveryError, rhs: DeliveryError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
