/// Whether the device signing in proved, with a trusted-device token, that it completed MFA before.
public enum DeviceRecognition: String, Sendable, Hashable, Codable {
    /// It presented a valid token for this account and the account's current MFA generation.
    case recognised = "recognised"
    /// It presented no token.
    case noToken = "no-token"
    /// It presented a token that is unknown, expired, revoked, or bound to another account.
    case unrecognised = "unrecognised"
}
