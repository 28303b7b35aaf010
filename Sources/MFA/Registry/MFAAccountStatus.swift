public import OneTimeCodes

/// An account's MFA set-up at a glance, for a settings page or `keybridge mfa methods`.
public struct MFAAccountStatus: Sendable, Hashable {
    /// The account.
    public let account: MFAAccount
    /// Its methods that are not removed, preferred first, then oldest first.
    public let methods: [MFAMethodSummary]
    /// Whether the enforcement policy requires MFA for it.
    public let isMFARequired: Bool
    /// Whether it has an active method that satisfies a prompt (TOTP, SMS or security key).
    public let isMFAEnabled: Bool
    /// True when only one method is active: the registry recommends adding a backup. Recovery codes count
    /// as a backup.
    public let recommendsBackup: Bool
    /// What the throttle says about a second-factor attempt now.
    public let throttle: ThrottleDecision
    /// Consecutive failed second-factor attempts.
    public let consecutiveFailures: Int
}
