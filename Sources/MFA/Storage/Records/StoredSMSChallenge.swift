public import OneTimeCodes

/// Why an SMS code was sent.
///
/// An open set of names: the registry may define more with ``init(rawValue:)``.
public struct SMSChallengePurpose: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The stored name.
    public let rawValue: String

    /// A purpose with the stored name `rawValue`.
    ///
    /// - Parameter rawValue: A short stable name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A code that completes a sign-in.
    public static let signIn = SMSChallengePurpose(rawValue: "sign-in")
    /// A code that confirms the enrollment of a new number.
    public static let enrollment = SMSChallengePurpose(rawValue: "enrollment")
    /// A code sent to the new number of a phone-number change.
    public static let phoneChange = SMSChallengePurpose(rawValue: "phone-change")

    /// The stored name.
    public var description: String { rawValue }
}

/// An SMS challenge with what it belongs to.
///
/// Consume it inside one write transaction: read it with ``MFAStoreReading/smsChallenge(id:)``, run
/// ``OneTimeCodes/SMSChallenge/verify(_:key:at:)`` on ``challenge``, and write the result back with
/// ``MFAStoreTransaction/updateSMSChallenge(_:)`` whether the code was right or not. Write transactions
/// are serialized, so of any number of concurrent entries of one code, at most one finds it pending.
public struct StoredSMSChallenge: Sendable, Hashable {
    /// The challenge: the code's HMAC, expiry, attempts and state.
    public var challenge: SMSChallenge
    /// The account it was sent for.
    public let accountID: String
    /// The SMS method it proves, if any (the pending method of an enrollment or a phone change, the active
    /// one of a sign-in).
    public let methodID: String?
    /// Why it was sent.
    public let purpose: SMSChallengePurpose

    /// The challenge's identifier.
    public var id: String { challenge.id }

    /// A challenge to store with ``MFAStoreTransaction/insertSMSChallenge(_:)``.
    ///
    /// - Parameters:
    ///   - challenge: What ``OneTimeCodes/SMSCodeIssuer/issue(to:ledger:at:)`` returned.
    ///   - accountID: The account.
    ///   - methodID: The SMS method it proves, if any.
    ///   - purpose: Why it was sent.
    public init(challenge: SMSChallenge, accountID: String, methodID: String?, purpose: SMSChallengePurpose) {
        self.challenge = challenge
        self.accountID = accountID
        self.methodID = methodID
        self.purpose = purpose
    }
}
