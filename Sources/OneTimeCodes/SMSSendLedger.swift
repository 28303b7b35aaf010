/// How many SMS codes one number has been sent: the state behind the resend cooldown and the daily cap.
///
/// A pure value over an injected clock. Keep one per phone number, persist it after every send.
public struct SMSSendLedger: Sendable, Hashable, Codable {
    /// When the last code was sent, or nil if none was.
    public private(set) var lastSentAt: Int64?
    /// The UTC day (Unix seconds ÷ 86 400) that ``sentOnDay`` counts.
    public private(set) var day: Int64
    /// Codes sent on ``day``.
    public private(set) var sentOnDay: Int

    /// A ledger for a number that was never sent a code.
    public init() {
        lastSentAt = nil
        day = 0
        sentOnDay = 0
    }

    /// Whether a code may be sent at `now` under `policy`.
    ///
    /// - Parameters:
    ///   - policy: The cooldown and the daily cap.
    ///   - now: The current time in Unix seconds.
    /// - Throws: ``OneTimeCodeError/Code/resendTooSoon`` or ``OneTimeCodeError/Code/dailyLimitReached``, with
    ///   ``OneTimeCodeError/retryAfter`` set.
    public func checkSend(policy: SMSCodePolicy, at now: Int64) throws(OneTimeCodeError) {
        if let lastSentAt, now < lastSentAt + policy.resendCooldown {
            let wait = lastSentAt + policy.resendCooldown - now
            throw OneTimeCodeError(.resendTooSoon, "a code was sent \(now - lastSentAt) s ago", retryAfter: wait)
        }
        let today = Self.utcDay(now)
        if today == day, sentOnDay >= policy.dailyLimit {
            let wait = (today + 1) * 86_400 - now
            throw OneTimeCodeError(
                .dailyLimitReached, "\(sentOnDay) codes were sent to this number today", retryAfter: wait)
        }
    }

    /// Records a send at `now` after checking it is allowed.
    ///
    /// - Parameters:
    ///   - policy: The cooldown and the daily cap.
    ///   - now: The current time in Unix seconds.
    /// - Throws: As ``checkSend(policy:at:)``; the ledger is unchanged then.
    public mutating func recordSend(policy: SMSCodePolicy, at now: Int64) throws(OneTimeCodeError) {
        try checkSend(policy: policy, at: now)
        let today = Self.utcDay(now)
        if today != day {
            day = today
            sentOnDay = 0
        }
        sentOnDay += 1
        lastSentAt = now
    }

    private static func utcDay(_ time: Int64) -> Int64 {
        time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
    }
}
