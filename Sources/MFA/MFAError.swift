/// The one error type of the `MFA` module.
///
/// Every failure carries a stable string ``Code`` (for logs, APIs and the `keybridge` command line), a
/// human-readable reason and the source location that raised it. Two errors are equal when their codes are
/// equal, so tests and callers match on the code and never on the text.
///
/// The registry, the store, the delivery channels (``SMSGateway``, ``Notifier`` and their implementations)
/// and the GeoIP types (``IPAddress``, ``IPRange``, ``GeoCoordinate``, ``MaxMindIPLocator``) all throw this
/// type. A channel's failure carries one of the delivery codes (``Code/timeout``, ``Code/rejected``, …) and,
/// where the provider answered, ``httpStatus``, ``providerCode`` and ``providerMessage``; ``isRetryable``
/// tells a transient failure from a permanent one. The registry reports a channel's failure to its own
/// callers as ``Code/deliveryFailed``, with the channel's error in the reason.
///
/// - Warning: ``reason`` is for operators' logs. It never contains a credential (a Twilio auth token or a
///   webhook secret), but a delivery failure's reason may contain a provider's message, which can echo the
///   destination number.
public struct MFAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case notFound = "not-found"
            case alreadyExists = "already-exists"
            case invalidTransition = "invalid-transition"
            case invalidArgument = "invalid-argument"
            case corruptRecord = "corrupt-record"
            case transactionEnded = "transaction-ended"
            case storageFailure = "storage-failure"
            case codeNotValid = "code-not-valid"
            case codeExpired = "code-expired"
            case tooManyAttempts = "too-many-attempts"
            case throttled = "throttled"
            case locked = "locked"
            case invalidPhoneNumber = "invalid-phone-number"
            case unsupportedCountry = "unsupported-country"
            case resendCooldown = "resend-cooldown"
            case dailyLimitReached = "daily-limit-reached"
            case lastMethod = "last-method"
            case enrollmentRequired = "enrollment-required"
            case deliveryFailed = "delivery-failed"
            case securityKeyRejected = "security-key-rejected"
            case signCountConflict = "sign-count-conflict"
            case securityKeyCloneSuspected = "security-key-clone-suspected"
            case invalidKey = "invalid-key"
            case internalError = "internal-error"
            // Delivery channels (SMS gateways, notifiers, outbox files).
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
            // IP addresses, ranges, coordinates and GeoIP databases.
            case invalidAddress = "invalid-address"
            case invalidRange = "invalid-range"
            case invalidCoordinate = "invalid-coordinate"
            case databaseUnreadable = "database-unreadable"
            case invalidDatabase = "invalid-database"
            case lookupFailed = "lookup-failed"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `not-found`.
        public var rawValue: String { backing.rawValue }
        /// The stable string form, as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// The account, method, challenge or other record named does not exist.
        public static let notFound = Code(.notFound)
        /// A record with that identifier (account, method, credential ID, user handle, challenge, token)
        /// already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// A method lifecycle change the rules do not allow, such as anything out of ``MFAMethodState/removed``.
        public static let invalidTransition = Code(.invalidTransition)
        /// A value the store refuses: an empty identifier, a user handle outside 1...64 bytes, a coordinate
        /// out of range, a method that belongs to another account.
        public static let invalidArgument = Code(.invalidArgument)
        /// A stored record that cannot be read back (a damaged or hand-edited database).
        public static let corruptRecord = Code(.corruptRecord)
        /// A store transaction used after its closure returned.
        public static let transactionEnded = Code(.transactionEnded)
        /// The storage backend failed: the database is busy past its timeout, the disk is full, an I/O
        /// error, a schema newer than this program. Nothing was written.
        public static let storageFailure = Code(.storageFailure)
        /// A wrong second-factor code: it matches nothing, was used already, or was replaced by a newer SMS
        /// code. Its ``MFAError/userMessage`` is ``MFAError/wrongCodeMessage``.
        public static let codeNotValid = Code(.codeNotValid)
        /// An SMS code entered after its expiry (5 minutes by default); send a new one.
        public static let codeExpired = Code(.codeExpired)
        /// An SMS code that used up its attempts (5 by default); send a new one.
        public static let tooManyAttempts = Code(.tooManyAttempts)
        /// Too many consecutive second-factor failures: wait ``MFAError/retryAfter`` seconds.
        public static let throttled = Code(.throttled)
        /// Hard lock after too many consecutive failures (100 by default): only a recovery code or an
        /// administrator lifts it.
        public static let locked = Code(.locked)
        /// A phone number that is not E.164 (`+`, then 8 to 15 digits).
        public static let invalidPhoneNumber = Code(.invalidPhoneNumber)
        /// A valid phone number in a country where SMS codes are not offered; use an authenticator app.
        public static let unsupportedCountry = Code(.unsupportedCountry)
        /// Another SMS code was asked for before the resend cooldown passed: wait ``MFAError/retryAfter``.
        public static let resendCooldown = Code(.resendCooldown)
        /// The number has had its daily allowance of SMS codes: wait ``MFAError/retryAfter``.
        public static let dailyLimitReached = Code(.dailyLimitReached)
        /// Removing this method would leave no active method while MFA is required for the account.
        public static let lastMethod = Code(.lastMethod)
        /// The account has no active MFA method but needs one: enroll first.
        public static let enrollmentRequired = Code(.enrollmentRequired)
        /// An SMS code or a notification could not be handed to its channel; the reason describes the
        /// channel's own failure (one of the delivery codes below).
        public static let deliveryFailed = Code(.deliveryFailed)
        /// A security-key registration or assertion failed verification; the reason names the WebAuthn check.
        public static let securityKeyRejected = Code(.securityKeyRejected)
        /// Another sign-in with the same security key stored its signature counter first: this assertion is
        /// refused (a replayed or cloned key looks like this).
        public static let signCountConflict = Code(.signCountConflict)
        /// A security key answered with a signature counter that did not increase (WebAuthn L3 §6.1.1): a sign
        /// that the key may have been copied. The sign-in is refused, counted as a failure and written to the
        /// audit log as `security-key-clone-suspected`.
        public static let securityKeyCloneSuspected = Code(.securityKeyCloneSuspected)
        /// A server key or key file that cannot be used: wrong length, unreadable, or open to other users.
        public static let invalidKey = Code(.invalidKey)
        /// A failure inside the crypto backend that is not the input's fault.
        public static let internalError = Code(.internalError)

        // MARK: Delivery channels

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
        /// The provider asked the sender to slow down (HTTP 429); see ``MFAError/retryAfter``.
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

        // MARK: IP addresses and GeoIP

        /// Text that is not an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2).
        public static let invalidAddress = Code(.invalidAddress)
        /// Text that is not `address/prefix` with a prefix in range and no host bits set.
        public static let invalidRange = Code(.invalidRange)
        /// A latitude outside -90…90, a longitude outside -180…180, or a value that is not finite.
        public static let invalidCoordinate = Code(.invalidCoordinate)
        /// The GeoIP database file cannot be opened or read.
        public static let databaseUnreadable = Code(.databaseUnreadable)
        /// The file is not a MaxMind DB (`.mmdb`) database, or its metadata is damaged.
        public static let invalidDatabase = Code(.invalidDatabase)
        /// The GeoIP database is damaged where this address's record lies.
        public static let lookupFailed = Code(.lookupFailed)
    }

    /// What a user who entered a wrong code is shown, exactly as the help-center articles word it.
    public static let wrongCodeMessage = "Code is not valid. Try again, or view troubleshooting tips"

    /// The stable code.
    public let code: Code
    /// Why, for logs and developers. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int
    /// For ``Code/throttled``, ``Code/resendCooldown`` and ``Code/dailyLimitReached``: seconds until a retry
    /// can succeed. For ``Code/rateLimited``: the seconds the provider asked to wait (its `Retry-After`
    /// header), when it said.
    public let retryAfter: Int64?
    /// For ``Code/codeNotValid`` when the registry sent a fresh SMS code after the wrong entry (see
    /// ``MFAMethodRegistry/Configuration/sendsFreshSMSCodeAfterWrongEntry``): the new challenge to enter
    /// the code against.
    public let freshSMSChallengeID: String?
    /// For a delivery channel's failure: the HTTP status the provider answered with, when there was one.
    public let httpStatus: Int?
    /// For a delivery channel's failure: the provider's own error code, when its answer carried one
    /// (Twilio's `code`, for example `21211`).
    public let providerCode: String?
    /// For a delivery channel's failure: the provider's own error message, when its answer carried one.
    public let providerMessage: String?

    /// An error with `code` and `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - reason: Why, for logs. Never put a credential here.
    ///   - retryAfter: Seconds until a retry can succeed, where that is known.
    ///   - freshSMSChallengeID: The challenge of a fresh SMS code sent after a wrong entry.
    ///   - httpStatus: A delivery provider's HTTP status, if any.
    ///   - providerCode: A delivery provider's error code, if any.
    ///   - providerMessage: A delivery provider's error message, if any.
    ///   - file: The source file; the caller's by default.
    ///   - line: The source line; the caller's by default.
    public init(
        _ code: Code, _ reason: String, retryAfter: Int64? = nil, freshSMSChallengeID: String? = nil,
        httpStatus: Int? = nil, providerCode: String? = nil, providerMessage: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.retryAfter = retryAfter
        self.freshSMSChallengeID = freshSMSChallengeID
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.providerMessage = providerMessage
        self.file = file
        self.line = line
    }

    /// The text to show an end user; never names internals.
    ///
    /// Every wrong, reused or replaced code gets ``wrongCodeMessage``, so the message tells an attacker
    /// nothing about which check failed.
    public var userMessage: String {
        switch code {
        case .codeNotValid:
            return Self.wrongCodeMessage
        case .codeExpired:
            return "This code has expired. Request a new code."
        case .tooManyAttempts:
            return "Too many wrong codes. Request a new code."
        case .throttled:
            return "Too many failed attempts. Try again in \(retryAfter ?? 30) seconds."
        case .locked:
            return "Too many failed attempts. Use a recovery code or contact support."
        case .invalidPhoneNumber:
            return "Enter the phone number in international format, starting with + and the country code."
        case .unsupportedCountry:
            return "Text message codes are not available for phone numbers in this country. "
                + "Use an authenticator app instead."
        case .resendCooldown:
            return "Wait \(retryAfter ?? 60) seconds before requesting another code."
        case .dailyLimitReached:
            return "Too many codes were sent to this number today. Try again tomorrow, or use another method."
        case .lastMethod:
            return "You can't remove your only two-step verification method. Add another method first."
        case .enrollmentRequired:
            return "Set up two-step verification to continue."
        case .deliveryFailed, .timeout, .connectionFailed, .providerUnavailable, .invalidResponse, .cancelled,
            .authenticationFailed, .outboxUnavailable, .invalidMessage:
            return "We couldn't send the code. Try again, or use another method."
        case .rateLimited:
            let wait = retryAfter.map { "in \($0) seconds" } ?? "later"
            return "We couldn't send the code right now. Try again \(wait), or use another method."
        case .rejected:
            return "We couldn't send a code to this phone number. Check the number, or use another method."
        case .securityKeyRejected, .signCountConflict:
            return "Your security key could not be verified. Try again, or view troubleshooting tips"
        case .securityKeyCloneSuspected:
            return "This security key gave an unexpected answer, which can mean it was copied. The sign-in was "
                + "refused. Use another method, and remove this key if you did not expect this."
        default:
            return "Something went wrong. Try again, or view troubleshooting tips"
        }
    }

    /// Whether a delivery channel's failure may go away if the same message is sent again later.
    ///
    /// True for ``Code/timeout``, ``Code/connectionFailed``, ``Code/rateLimited``,
    /// ``Code/providerUnavailable`` and ``Code/outboxUnavailable``; false for every other code, including
    /// rejections and configuration errors, which need a person to act.
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

    /// `code: reason`, with a delivery provider's HTTP status and error code when known.
    public var description: String {
        var text = "\(code.rawValue): \(reason)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let providerCode { text += " [provider code \(providerCode)]" }
        return text
    }

    /// Equal when the codes are equal.
    public static func == (lhs: MFAError, rhs: MFAError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
