/// The limits of SMS codes.
public struct SMSCodePolicy: Sendable, Hashable, Codable {
    /// Seconds a code stays valid after it is sent (default 300: five minutes).
    public var lifetime: Int64
    /// Wrong entries a code survives; the one that reaches this count kills it (default 5).
    public var maximumAttempts: Int
    /// Seconds between two codes sent to one number (default 60).
    public var resendCooldown: Int64
    /// Codes one number may receive per UTC day (default 10).
    public var dailyLimit: Int

    /// A policy.
    ///
    /// - Parameters:
    ///   - lifetime: Seconds a code stays valid.
    ///   - maximumAttempts: Wrong entries allowed per code.
    ///   - resendCooldown: Seconds between two sends to one number.
    ///   - dailyLimit: Sends per number per UTC day.
    public init(lifetime: Int64 = 300, maximumAttempts: Int = 5, resendCooldown: Int64 = 60, dailyLimit: Int = 10) {
        self.lifetime = lifetime
        self.maximumAttempts = maximumAttempts
        self.resendCooldown = resendCooldown
        self.dailyLimit = dailyLimit
    }

    /// Five minutes, five attempts, one minute between sends, ten sends a day.
    public static let `default` = SMSCodePolicy()
}
