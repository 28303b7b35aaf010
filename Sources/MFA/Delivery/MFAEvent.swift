/// A change to an account's MFA set-up that its owner is told about.
public enum MFAEvent: String, Sendable, Hashable, Codable, CaseIterable {
    /// MFA was turned on: the first method became active.
    case mfaEnabled = "mfa-enabled"
    /// Another method became active.
    case methodAdded = "method-added"
    /// A method was removed.
    case methodRemoved = "method-removed"
    /// Every method was deactivated, by the user or by an administrator.
    case reset = "reset"
    /// The phone number of an SMS method was replaced.
    case phoneChanged = "phone-changed"
    /// A recovery code was used to sign in.
    case recoveryCodeUsed = "recovery-code-used"
    /// A security key answered with a signature counter that did not increase, a sign of a copied key; the
    /// sign-in was refused.
    case securityKeyCloneSuspected = "security-key-clone-suspected"
}
