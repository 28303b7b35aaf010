/// The one error type of the `OneTimeCodes` module.
///
/// Every rejection carries a stable string ``Code`` (for logs, APIs and the `keybridge` command line), a
/// human-readable reason and the source location that raised it. Two errors are equal when their codes are
/// equal, so tests and callers match on the code and never on the text. Show users ``userMessage``, not
/// ``reason``: the reason may name internals.
public struct OneTimeCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case invalidCode = "invalid-code"
            case codeExpired = "code-expired"
            case codeReused = "code-reused"
            case tooManyAttempts = "too-many-attempts"
            case invalidSecret = "invalid-secret"
            case invalidBase32 = "invalid-base32"
            case invalidURI = "invalid-uri"
            case invalidParameter = "invalid-parameter"
            case invalidPhoneNumber = "invalid-phone-number"
            case unsupportedCountry = "unsupported-country"
            case resendTooSoon = "resend-too-soon"
            case dailyLimitReached = "daily-limit-reached"
            case throttled = "throttled"
            case locked = "locked"
            case invalidKey = "invalid-key"
            case insecureKeyFile = "insecure-key-file"
            case keyFileUnreadable = "key-file-unreadable"
            case decryptionFailed = "decryption-failed"
            case dataTooLong = "data-too-long"
            case internalError = "internal-error"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `invalid-code`.
        public var rawValue: String { backing.rawValue }
        /// The stable string form, as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// A wrong code: it matches no accepted time step, counter, SMS challenge or recovery code.
        public static let invalidCode = Code(.invalidCode)
        /// An SMS code entered after its expiry.
        public static let codeExpired = Code(.codeExpired)
        /// A code that was valid but has already been accepted once (its TOTP time step, its SMS challenge,
        /// or its recovery code).
        public static let codeReused = Code(.codeReused)
        /// An SMS challenge that used up its attempts: it is dead, and a new code must be sent.
        public static let tooManyAttempts = Code(.tooManyAttempts)
        /// A shared secret that is too short (under 128 bits, RFC 4226 §4 R6) or otherwise unusable.
        public static let invalidSecret = Code(.invalidSecret)
        /// Text that is not Base32 (RFC 4648 §6), even after removing spaces and padding.
        public static let invalidBase32 = Code(.invalidBase32)
        /// An `otpauth://` URI that does not follow the Key URI format.
        public static let invalidURI = Code(.invalidURI)
        /// A parameter out of range: digits outside 6...8, a period under one second, a negative window, …
        public static let invalidParameter = Code(.invalidParameter)
        /// A phone number that is not E.164 (`+`, then 8 to 15 digits, the first not 0).
        public static let invalidPhoneNumber = Code(.invalidPhoneNumber)
        /// A valid phone number in a country where SMS codes are not offered.
        public static let unsupportedCountry = Code(.unsupportedCountry)
        /// A new SMS code asked for before the resend cooldown has passed.
        public static let resendTooSoon = Code(.resendTooSoon)
        /// The number already received its daily allowance of SMS codes.
        public static let dailyLimitReached = Code(.dailyLimitReached)
        /// Too many consecutive failures: wait ``OneTimeCodeError/retryAfter`` seconds.
        public static let throttled = Code(.throttled)
        /// Hard lock after too many consecutive failures; only a recovery or an administrator lifts it.
        public static let locked = Code(.locked)
        /// An encryption or hashing key of the wrong length or form.
        public static let invalidKey = Code(.invalidKey)
        /// A key file that other users can read or write.
        public static let insecureKeyFile = Code(.insecureKeyFile)
        /// A key file that cannot be opened or read.
        public static let keyFileUnreadable = Code(.keyFileUnreadable)
        /// A sealed secret that does not open: wrong key, wrong associated data, or tampered bytes.
        public static let decryptionFailed = Code(.decryptionFailed)
        /// Data too long for the largest QR code version allowed.
        public static let dataTooLong = Code(.dataTooLong)
        /// A failure inside the crypto backend that is not the input's fault.
        public static let internalError = Code(.internalError)
    }

    /// The message shown to a user who entered a wrong code, exactly as the help-center articles word it.
    public static let wrongCodeMessage = "Code is not valid. Try again, or view troubleshooting tips"

    /// The stable code.
    public let code: Code
    /// Why, for logs and developers. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int
    /// For ``Code/resendTooSoon``, ``Code/throttled`` and ``Code/dailyLimitReached``: seconds until a retry
    /// can succeed.
    public let retryAfter: Int64?

    /// An error with `code` and `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - reason: Why, for logs.
    ///   - retryAfter: Seconds until a retry can succeed, where that is known.
    public init(
        _ code: Code, _ reason: String, retryAfter: Int64? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.retryAfter = retryAfter
        self.file = file
        self.line = line
    }

    /// The text to show an end user.
    ///
    /// Every wrong, reused, expired or dead code gets ``wrongCodeMessage``, so the message tells an attacker
    /// nothing about which check failed; other codes get a short sentence of their own.
    public var userMessage: String {
        switch code {
        case .invalidCode, .codeReused:
            return Self.wrongCodeMessage
        case .codeExpired:
            return "This code has expired. Request a new code."
        case .tooManyAttempts:
            return "Too many wrong codes. Request a new code."
        case .unsupportedCountry:
            return "Text message codes are not available for phone numbers in this country. "
                + "Use an authenticator app instead."
        case .invalidPhoneNumber:
            return "Enter the phone number in international format, starting with + and the country code."
        case .resendTooSoon:
            return "Wait \(retryAfter ?? 60) seconds before requesting another code."
        case .dailyLimitReached:
            return "Too many codes were sent to this number today. Try again tomorrow, or use another method."
        case .throttled:
            return "Too many failed attempts. Try again in \(retryAfter ?? 30) seconds."
        case .locked:
            return "Too many failed attempts. Use a recovery code or contact support."
        default:
            return "Something went wrong. Try again, or view troubleshooting tips"
        }
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }

    /// Equal when the codes are equal.
    public static func == (lhs: OneTimeCodeError, rhs: OneTimeCodeError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
