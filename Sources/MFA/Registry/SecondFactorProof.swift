/// What the user answered an MFA prompt with.
public enum SecondFactorProof: Sendable, Hashable {
    /// A code from an authenticator app; checked against the named TOTP method, or every active one.
    case totp(code: String, methodID: String? = nil)
    /// A code from an SMS, for the challenge that ``MFAMethodRegistry/sendSignInSMSCode(accountID:methodID:)``
    /// returned.
    case sms(challengeID: String, code: String)
    /// A security-key assertion (`AuthenticationResponseJSON` bytes) for the ceremony that
    /// ``MFAMethodRegistry/startSecurityKeySignIn(accountID:)`` started.
    case securityKey(ceremonyID: String, response: [UInt8])
    /// One of the account's recovery codes. Lifts a hard lock.
    case recoveryCode(String)

    /// The kind of method the proof is for.
    public var kind: MFAMethodKind {
        switch self {
        case .totp: return .totp
        case .sms: return .sms
        case .securityKey: return .securityKey
        case .recoveryCode: return .recoveryCodes
        }
    }
}

/// A sign-in whose second factor was accepted.
public struct SignInCompletion: Sendable, Hashable {
    /// The method that answered the prompt.
    public let methodID: String
    /// Its kind.
    public let methodKind: MFAMethodKind
    /// The new trusted-device token (`id.secret`) for the client to keep, when one was asked for. Within its
    /// lifetime the device skips the prompt unless a risk signal fires.
    ///
    /// - Warning: A bearer secret: set it in a `Secure; HttpOnly` cookie, never log it.
    public let trustedDeviceToken: String?
    /// When the token expires (Unix seconds).
    public let trustedDeviceExpiresAt: Int64?
    /// For a recovery code: how many codes are left.
    public let recoveryCodesRemaining: Int?
    /// The notification (recovery code used) that could not be delivered, if any.
    public let notificationFailure: MFAError?
}
