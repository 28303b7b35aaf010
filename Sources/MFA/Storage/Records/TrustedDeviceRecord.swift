/// A trusted-device token as stored: only a hash of its secret.
///
/// The token the device keeps is an opaque `id.secret` value; the store keeps ``id`` and
/// ``secretHash`` (a hash the registry computes, for example HMAC-SHA-256 under a server key), bound to
/// the account and to the MFA-configuration generation current when it was issued.
public struct TrustedDeviceRecord: Sendable, Hashable {
    /// The token's public identifier; never empty.
    public let id: String
    /// The account it lets skip the prompt.
    public let accountID: String
    /// The hash of the token's secret part; never empty.
    public let secretHash: [UInt8]
    /// The account's ``MFAAccount/configurationGeneration`` at issue; a token of an older generation no
    /// longer counts.
    public let configurationGeneration: Int64
    /// When it was issued (Unix seconds).
    public let createdAt: Int64
    /// The first second at which it no longer counts.
    public let expiresAt: Int64

    /// A token record.
    ///
    /// - Parameters:
    ///   - id: The public identifier.
    ///   - accountID: The account.
    ///   - secretHash: The hash of the secret.
    ///   - configurationGeneration: The account's generation at issue.
    ///   - createdAt: The issue time in Unix seconds.
    ///   - expiresAt: The expiry in Unix seconds (5 days later by default in the registry).
    public init(
        id: String, accountID: String, secretHash: [UInt8], configurationGeneration: Int64, createdAt: Int64,
        expiresAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.secretHash = secretHash
        self.configurationGeneration = configurationGeneration
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
