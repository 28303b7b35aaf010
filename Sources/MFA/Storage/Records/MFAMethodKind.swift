/// The kind of an MFA method.
public enum MFAMethodKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// An authenticator app (RFC 6238).
    case totp
    /// SMS codes to a phone number.
    case sms
    /// A WebAuthn security key or passkey.
    case securityKey = "security-key"
    /// A set of single-use recovery codes.
    case recoveryCodes = "recovery-codes"

    /// The raw value (`totp`, `sms`, `security-key`, `recovery-codes`).
    public var description: String { rawValue }
}
