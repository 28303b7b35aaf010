public import OneTimeCodes
public import WebAuthn

/// One MFA method of one account, as the store keeps it.
///
/// The common fields live beside kind-specific ``details``; the store writes both in one transaction, so
/// a method never exists without its details.
public struct MFAMethodRecord: Sendable, Hashable {
    /// The method's identifier; never empty, unique across accounts.
    public let id: String
    /// The account it belongs to.
    public let accountID: String
    /// A name the user chose ("Work phone", "YubiKey 5C").
    public internal(set) var name: String
    /// Where it is in its lifecycle.
    public internal(set) var state: MFAMethodState
    /// What the method is, with its kind-specific data.
    public internal(set) var details: MFAMethodDetails
    /// When it was enrolled (Unix seconds).
    public let createdAt: Int64
    /// When any of its fields last changed (Unix seconds).
    public internal(set) var updatedAt: Int64

    /// The kind, from ``details``.
    public var kind: MFAMethodKind { details.kind }

    /// A new method to store with ``MFAStoreTransaction/insertMethod(_:)``.
    ///
    /// - Parameters:
    ///   - id: A new random identifier; not empty.
    ///   - accountID: The owning account.
    ///   - name: The user's name for it.
    ///   - state: Usually ``MFAMethodState/pending``.
    ///   - details: The kind-specific data.
    ///   - createdAt: The enrollment time in Unix seconds (also the first ``updatedAt``).
    public init(
        id: String, accountID: String, name: String, state: MFAMethodState = .pending, details: MFAMethodDetails,
        createdAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.state = state
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// A method as read back from storage.
    init(
        id: String, accountID: String, name: String, state: MFAMethodState, details: MFAMethodDetails,
        createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.state = state
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The kind-specific data of an MFA method.
public enum MFAMethodDetails: Sendable, Hashable {
    /// An authenticator app: its sealed secret, parameters and replay guard.
    case totp(TOTPMethodData)
    /// SMS codes to this number.
    case sms(PhoneNumber)
    /// A WebAuthn credential. Its credential ID is unique across the store.
    case securityKey(CredentialRecord)
    /// Recovery codes (only their HMACs).
    case recoveryCodes(RecoveryCodeSet)

    /// The kind.
    public var kind: MFAMethodKind {
        switch self {
        case .totp: return .totp
        case .sms: return .sms
        case .securityKey: return .securityKey
        case .recoveryCodes: return .recoveryCodes
        }
    }
}

/// What the store keeps of an authenticator app.
///
/// The secret arrives sealed: the registry encrypts it with
/// ``OneTimeCodes/SecretEncryptionKey/seal(_:associatedData:)-(OTPSecret,_)`` (associated data from
/// ``OneTimeCodes/SecretEncryptionKey/associatedData(accountID:methodID:)``) before it reaches the store,
/// and the store keeps the bytes opaque. A stolen database without the key reveals no secret.
public struct TOTPMethodData: Sendable, Hashable {
    /// The secret sealed with AES-256-GCM by the caller; opaque to the store.
    public let sealedSecret: [UInt8]
    /// Algorithm, digits and period.
    public let configuration: TOTPConfiguration
    /// The last time step accepted, or nil before the first; the store only lets it move forward
    /// (``MFAStoreTransaction/advanceTOTPTimeStep(methodID:to:at:)``).
    public internal(set) var lastAcceptedTimeStep: UInt64?

    /// Data for a new authenticator app.
    ///
    /// - Parameters:
    ///   - sealedSecret: The sealed secret; not empty.
    ///   - configuration: Algorithm, digits and period.
    ///   - lastAcceptedTimeStep: The step of the code that confirmed the enrollment, if it was accepted.
    public init(sealedSecret: [UInt8], configuration: TOTPConfiguration, lastAcceptedTimeStep: UInt64? = nil) {
        self.sealedSecret = sealedSecret
        self.configuration = configuration
        self.lastAcceptedTimeStep = lastAcceptedTimeStep
    }
}
