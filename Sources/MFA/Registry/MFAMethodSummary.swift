internal import OneTimeCodes

/// One MFA method as the registry shows it: never its secret, its code hashes or its full phone number.
public struct MFAMethodSummary: Sendable, Hashable {
    /// The method's identifier.
    public let id: String
    /// TOTP, SMS, security key or recovery codes.
    public let kind: MFAMethodKind
    /// The user's name for it.
    public let name: String
    /// Where it is in its lifecycle.
    public let state: MFAMethodState
    /// Whether it is the account's preferred method.
    public let isPreferred: Bool
    /// For SMS: the number with all but its last two digits hidden.
    public let maskedPhoneNumber: String?
    /// For recovery codes: how many are unused.
    public let recoveryCodesRemaining: Int?
    /// When it was enrolled (Unix seconds).
    public let createdAt: Int64
    /// When it last changed (Unix seconds).
    public let updatedAt: Int64

    init(_ record: MFAMethodRecord, preferredMethodID: String?) {
        id = record.id
        kind = record.kind
        name = record.name
        state = record.state
        isPreferred = record.id == preferredMethodID
        switch record.details {
        case .sms(let number): maskedPhoneNumber = number.masked
        default: maskedPhoneNumber = nil
        }
        switch record.details {
        case .recoveryCodes(let set): recoveryCodesRemaining = set.remaining
        default: recoveryCodesRemaining = nil
        }
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}
