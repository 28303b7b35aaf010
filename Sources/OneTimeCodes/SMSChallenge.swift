/// One SMS code sent to one number, as a server stores it: the code itself only as an HMAC.
///
/// A pure state machine over an injected clock. ``verify(_:key:at:)`` mutates it (a wrong code counts an
/// attempt; the right one consumes it), so persist it after every call, whether the call threw or not,
/// and do both in one transaction so two concurrent entries cannot both succeed.
public struct SMSChallenge: Sendable, Hashable, Codable {
    /// Where the challenge stands.
    public enum State: String, Sendable, Hashable, Codable {
        /// Sent and still open.
        case pending
        /// Entered correctly; never accepted again.
        case consumed
        /// Killed by too many wrong entries.
        case exhausted
    }

    /// A random identifier (32 hexadecimal characters), bound into the code's HMAC.
    public let id: String
    /// The number the code went to.
    public let phoneNumber: PhoneNumber
    /// HMAC-SHA-256 of the code under the server's ``CodeHashingKey``, bound to ``id`` and the number.
    public let codeHash: [UInt8]
    /// When it was sent (Unix seconds).
    public let issuedAt: Int64
    /// The first second at which it is no longer accepted.
    public let expiresAt: Int64
    /// Wrong entries allowed.
    public let maximumAttempts: Int
    /// Wrong entries so far.
    public private(set) var failedAttempts: Int
    /// Open, consumed or exhausted.
    public private(set) var state: State

    init(id: String, phoneNumber: PhoneNumber, codeHash: [UInt8], issuedAt: Int64, policy: SMSCodePolicy) {
        self.id = id
        self.phoneNumber = phoneNumber
        self.codeHash = codeHash
        self.issuedAt = issuedAt
        self.expiresAt = issuedAt + policy.lifetime
        self.maximumAttempts = policy.maximumAttempts
        self.failedAttempts = 0
        self.state = .pending
    }

    /// Wrong entries left before the code dies.
    public var remainingAttempts: Int { max(maximumAttempts - failedAttempts, 0) }

    /// Checks an entered code at time `now`.
    ///
    /// The order of checks: a consumed challenge refuses everything, an exhausted one too, then expiry,
    /// then the code. A wrong code, or input that is not six digits, counts as a failed attempt; the
    /// failure that reaches ``maximumAttempts`` kills the challenge. The code's HMAC is compared in constant
    /// time.
    ///
    /// - Parameters:
    ///   - code: What the user typed (spaces ignored).
    ///   - key: The server key the code was stored under.
    ///   - now: The current time in Unix seconds.
    /// - Throws: ``OneTimeCodeError/Code/codeReused`` (already consumed),
    ///   ``OneTimeCodeError/Code/tooManyAttempts`` (exhausted, now or before),
    ///   ``OneTimeCodeError/Code/codeExpired``, ``OneTimeCodeError/Code/invalidCode`` (wrong; attempts
    ///   remain).
    public mutating func verify(_ code: String, key: CodeHashingKey, at now: Int64) throws(OneTimeCodeError) {
        switch state {
        case .consumed:
            throw OneTimeCodeError(.codeReused, "this SMS code was already used")
        case .exhausted:
            throw OneTimeCodeError(.tooManyAttempts, "this SMS code had too many wrong entries; send a new one")
        case .pending:
            break
        }
        guard now < expiresAt else {
            throw OneTimeCodeError(.codeExpired, "this SMS code expired at \(expiresAt)")
        }
        let digits = OneTimeCodeFormat.parse(code, digits: SMSCodeIssuer.codeLength)
        // Malformed input is compared too (as a value no code has), so it costs the same and counts the same.
        let entered = digits.map { OneTimeCodeFormat.text(of: $0, digits: SMSCodeIssuer.codeLength) } ?? "-"
        let hash = SMSCodeIssuer.hash(code: entered, challengeID: id, phoneNumber: phoneNumber, key: key)
        if digits != nil, hash.withUnsafeBytes({ a in codeHash.withUnsafeBytes { b in constantTimeEquals(a, b) } }) {
            state = .consumed
            return
        }
        failedAttempts += 1
        if failedAttempts >= maximumAttempts {
            state = .exhausted
            throw OneTimeCodeError(.tooManyAttempts, "wrong SMS code; that was the last attempt for this code")
        }
        throw OneTimeCodeError(.invalidCode, "wrong SMS code")
    }
}
