/// The parameters of a TOTP generator, as stored beside its (encrypted) secret.
///
/// The default, SHA-1 with 6 digits every 30 seconds, is what every authenticator app accepts; the others
/// are ignored by some apps (Google Authenticator only honours them in recent versions).
public struct TOTPConfiguration: Sendable, Hashable, Codable {
    /// The HMAC hash function.
    public var algorithm: OTPAlgorithm
    /// The number of digits, 6 to 8.
    public var digits: Int
    /// The time step in seconds (RFC 6238's X), at least 1.
    public var period: Int64

    /// A configuration; check it with ``validate()`` (``TOTP/init(secret:configuration:)`` does).
    ///
    /// - Parameters:
    ///   - algorithm: The HMAC hash function.
    ///   - digits: 6, 7 or 8.
    ///   - period: The time step in seconds.
    public init(algorithm: OTPAlgorithm = .sha1, digits: Int = 6, period: Int64 = 30) {
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// SHA-1, 6 digits, 30 seconds.
    public static let `default` = TOTPConfiguration()

    /// Checks the ranges.
    ///
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` for digits outside 6...8 or a period outside
    ///   1...86400 seconds.
    public func validate() throws(OneTimeCodeError) {
        guard (6...8).contains(digits) else {
            throw OneTimeCodeError(.invalidParameter, "a code has 6 to 8 digits, not \(digits)")
        }
        guard (1...86_400).contains(period) else {
            throw OneTimeCodeError(.invalidParameter, "the period must be 1 to 86400 seconds, not \(period)")
        }
    }
}
