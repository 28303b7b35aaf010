/// An account as the MFA store keeps it.
///
/// The store knows nothing of passwords: the account exists for its MFA methods, their state, and the
/// records sign-in decisions read (trusted devices, sign-in history, throttling).
public struct MFAAccount: Sendable, Hashable {
    /// The longest WebAuthn user handle (WebAuthn L3 §5.4.3: at most 64 bytes).
    public static let maximumUserHandleLength = 64

    /// The account's identifier (a user name or a server's user ID); never empty.
    public let id: String
    /// When the account was created (Unix seconds); enforcement policies compare it with a cut-off date.
    public let createdAt: Int64
    /// False for a service account: exempt from interactive MFA, every sign-in recorded.
    public var isInteractive: Bool
    /// The WebAuthn user handle (`user.id`): 1 to 64 random bytes, unique, never personal data.
    public let userHandle: [UInt8]
    /// The MFA-configuration generation. ``MFAStoreTransaction/bumpConfigurationGeneration(accountID:)``
    /// increments it on a reset, a phone change or a method removal; trusted-device tokens bound to an
    /// older generation no longer count.
    public internal(set) var configurationGeneration: Int64
    /// The method offered first at sign-in, if the user chose one. Set it with
    /// ``MFAStoreTransaction/setPreferredMethod(accountID:methodID:)``.
    public internal(set) var preferredMethodID: String?

    /// A new account, at generation 0 with no preferred method.
    ///
    /// - Parameters:
    ///   - id: The identifier; not empty.
    ///   - createdAt: The creation time in Unix seconds.
    ///   - isInteractive: False for a service account.
    ///   - userHandle: 1 to 64 random bytes for WebAuthn.
    public init(id: String, createdAt: Int64, isInteractive: Bool = true, userHandle: [UInt8]) {
        self.id = id
        self.createdAt = createdAt
        self.isInteractive = isInteractive
        self.userHandle = userHandle
        self.configurationGeneration = 0
        self.preferredMethodID = nil
    }

    /// An account as read back from storage.
    init(
        id: String, createdAt: Int64, isInteractive: Bool, userHandle: [UInt8], configurationGeneration: Int64,
        preferredMethodID: String?
    ) {
        self.id = id
        self.createdAt = createdAt
        self.isInteractive = isInteractive
        self.userHandle = userHandle
        self.configurationGeneration = configurationGeneration
        self.preferredMethodID = preferredMethodID
    }
}
