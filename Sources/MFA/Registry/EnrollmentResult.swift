/// A method that became active.
public struct EnrollmentResult: Sendable, Hashable {
    /// The method, now ``MFAMethodState/active``.
    public let method: MFAMethodSummary
    /// True when this was the account's first active method: MFA is now on.
    public let enabledMFA: Bool
    /// True when the account now has only one active method: suggest adding a backup.
    public let recommendsBackup: Bool
    /// The notification (MFA enabled, or method added) that could not be delivered, if any. The method is
    /// active all the same.
    public let notificationFailure: MFAError?
}

/// A phone-number change that was confirmed.
public struct PhoneNumberChangeResult: Sendable, Hashable {
    /// The SMS method, now sending to the new number.
    public let method: MFAMethodSummary
    /// How many trusted-device tokens were revoked.
    public let revokedTrustedDevices: Int
    /// The notification that could not be delivered, if any.
    public let notificationFailure: MFAError?
}

/// A method that was removed.
public struct MethodRemovalResult: Sendable, Hashable {
    /// The removed methods: the one asked for, and the recovery codes when no other method is left.
    public let removedMethodIDs: [String]
    /// How many trusted-device tokens were revoked.
    public let revokedTrustedDevices: Int
    /// True when one active method is left: suggest adding a backup.
    public let recommendsBackup: Bool
    /// The notification that could not be delivered, if any.
    public let notificationFailure: MFAError?
}

/// An MFA reset.
public struct ResetResult: Sendable, Hashable {
    /// The methods deactivated.
    public let removedMethodIDs: [String]
    /// How many trusted-device tokens were revoked.
    public let revokedTrustedDevices: Int
    /// True when the account must enroll again before it gets access.
    public let mustReenroll: Bool
    /// The notification that could not be delivered, if any.
    public let notificationFailure: MFAError?
}

/// A new set of recovery codes.
///
/// - Warning: ``codes`` are shown once and never stored in clear; only their HMACs are kept.
public struct RecoveryCodesIssued: Sendable, Hashable {
    /// The recovery-codes method.
    public let methodID: String
    /// The codes, `xxxx-xxxx-xxxx`, in the order to show them.
    public let codes: [String]
    /// Whether an older set was replaced (its codes no longer work).
    public let replacedPreviousSet: Bool
    /// The notification (method added) that could not be delivered, if any.
    public let notificationFailure: MFAError?
}
