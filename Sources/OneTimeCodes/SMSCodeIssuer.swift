/// Sends SMS codes: checks the number's country and the send limits, draws a uniform six-digit code, and
/// returns it (for the gateway) with the challenge to store (which holds only its HMAC).
public struct SMSCodeIssuer: Sendable {
    /// Digits in an SMS code.
    public static let codeLength = 6

    /// Expiry, attempts, cooldown and daily cap.
    public let policy: SMSCodePolicy
    /// The countries codes may be sent to.
    public let allowList: SMSCountryAllowList
    let key: CodeHashingKey
    let random: RandomSource

    /// An issuer.
    ///
    /// - Parameters:
    ///   - key: The server key codes are stored under.
    ///   - policy: Limits; the defaults are 5 minutes, 5 attempts, 60 s cooldown, 10 a day.
    ///   - allowList: Supported countries; the 27 of ``SMSCountryAllowList/default`` by default.
    public init(key: CodeHashingKey, policy: SMSCodePolicy = .default, allowList: SMSCountryAllowList = .default) {
        self.init(key: key, policy: policy, allowList: allowList, random: .system)
    }

    /// An issuer with injected randomness (tests only).
    package init(key: CodeHashingKey, policy: SMSCodePolicy, allowList: SMSCountryAllowList, random: RandomSource) {
        self.key = key
        self.policy = policy
        self.allowList = allowList
        self.random = random
    }

    /// Issues a code for `phoneNumber` at `now`, updating its ledger.
    ///
    /// - Parameters:
    ///   - phoneNumber: Where the code goes.
    ///   - ledger: The number's send ledger; updated only when a code is issued.
    ///   - now: The current time in Unix seconds.
    /// - Returns: The code to send (never store it) and the challenge to store.
    /// - Throws: ``OneTimeCodeError/Code/unsupportedCountry``, ``OneTimeCodeError/Code/invalidPhoneNumber``,
    ///   ``OneTimeCodeError/Code/resendTooSoon`` or ``OneTimeCodeError/Code/dailyLimitReached``.
    public func issue(to phoneNumber: PhoneNumber, ledger: inout SMSSendLedger, at now: Int64)
        throws(OneTimeCodeError) -> (code: String, challenge: SMSChallenge)
    {
        _ = try allowList.country(of: phoneNumber)
        try ledger.recordSend(policy: policy, at: now)
        let code = OneTimeCodeFormat.text(of: UInt32(random.uniform(below: 1_000_000)), digits: Self.codeLength)
        let id = Hex.encode(random.bytes(16))
        let hash = Self.hash(code: code, challengeID: id, phoneNumber: phoneNumber, key: key)
        let challenge = SMSChallenge(id: id, phoneNumber: phoneNumber, codeHash: hash, issuedAt: now, policy: policy)
        return (code, challenge)
    }

    /// HMAC-SHA-256 over a label, the challenge ID, the number and the code.
    static func hash(code: String, challengeID: String, phoneNumber: PhoneNumber, key: CodeHashingKey) -> [UInt8] {
        key.authenticationCode([
            Array("KeyBridge SMS code v1".utf8), Array(challengeID.utf8), Array(phoneNumber.e164.utf8), Array(code.utf8),
        ])
    }
}
