import OneTimeCodes
import WebAuthn

/// The argument and lifecycle checks every ``MFARegistryStore`` implementation applies, in one place so
/// both behave alike.
enum StoreRules {
    static func requireIdentifier(_ value: String, _ what: String) throws(MFAError) {
        guard !value.isEmpty else { throw MFAError(.invalidArgument, "the \(what) identifier is empty") }
    }

    static func requireLimit(_ limit: Int) throws(MFAError) {
        guard limit >= 0 else { throw MFAError(.invalidArgument, "a limit of \(limit) is negative") }
    }

    static func validate(_ account: MFAAccount) throws(MFAError) {
        try requireIdentifier(account.id, "account")
        guard (1...MFAAccount.maximumUserHandleLength).contains(account.userHandle.count) else {
            throw MFAError(
                .invalidArgument, "a user handle has 1 to 64 bytes, not \(account.userHandle.count)")
        }
    }

    static func validate(_ method: MFAMethodRecord) throws(MFAError) {
        try requireIdentifier(method.id, "method")
        try requireIdentifier(method.accountID, "account")
        guard method.state != .removed else {
            throw MFAError(.invalidArgument, "a new method cannot start out removed")
        }
        switch method.details {
        case .totp(let data):
            guard !data.sealedSecret.isEmpty else {
                throw MFAError(.invalidArgument, "a TOTP method needs its sealed secret")
            }
            if let step = data.lastAcceptedTimeStep { _ = try storedTimeStep(step) }
        case .securityKey(let record):
            guard !record.id.isEmpty else { throw MFAError(.invalidArgument, "the credential ID is empty") }
        case .sms, .recoveryCodes:
            break
        }
    }

    /// A time step as the signed 64-bit integer SQLite stores.
    static func storedTimeStep(_ step: UInt64) throws(MFAError) -> Int64 {
        guard let value = Int64(exactly: step) else {
            throw MFAError(.invalidArgument, "time step \(step) is beyond any real clock")
        }
        return value
    }

    static func transition(_ method: MFAMethodRecord, to next: MFAMethodState) throws(MFAError) {
        guard method.state.canTransition(to: next) else {
            throw MFAError(.invalidTransition, "method \(method.id) cannot go from \(method.state) to \(next)")
        }
    }

    /// Details of a removed method are frozen.
    static func requireLive(_ method: MFAMethodRecord) throws(MFAError) {
        guard method.state != .removed else {
            throw MFAError(.invalidTransition, "method \(method.id) is removed")
        }
    }

    static func requireKind(_ method: MFAMethodRecord, _ kind: MFAMethodKind) throws(MFAError) {
        guard method.kind == kind else {
            throw MFAError(.invalidArgument, "method \(method.id) is \(method.kind), not \(kind)")
        }
    }

    static func validate(_ challenge: StoredSMSChallenge) throws(MFAError) {
        try requireIdentifier(challenge.id, "SMS challenge")
        try requireIdentifier(challenge.accountID, "account")
        guard !challenge.purpose.rawValue.isEmpty else {
            throw MFAError(.invalidArgument, "the SMS challenge purpose is empty")
        }
    }

    /// The method an SMS challenge points at must be an SMS method of the same account.
    static func validate(_ challenge: StoredSMSChallenge, method: MFAMethodRecord) throws(MFAError) {
        guard method.accountID == challenge.accountID else {
            throw MFAError(.invalidArgument, "method \(method.id) belongs to another account")
        }
        try requireKind(method, .sms)
    }

    static func validate(_ state: StoredCeremonyState) throws(MFAError) {
        try requireIdentifier(state.id, "ceremony state")
        if let accountID = state.accountID { try requireIdentifier(accountID, "account") }
    }

    static func validate(_ device: TrustedDeviceRecord) throws(MFAError) {
        try requireIdentifier(device.id, "trusted device")
        try requireIdentifier(device.accountID, "account")
        guard !device.secretHash.isEmpty else {
            throw MFAError(.invalidArgument, "a trusted device needs the hash of its secret")
        }
        guard device.expiresAt >= device.createdAt else {
            throw MFAError(.invalidArgument, "a trusted device cannot expire before it is issued")
        }
    }

    static func validate(_ record: StoredSignIn) throws(MFAError) {
        try requireIdentifier(record.accountID, "account")
        guard !record.outcome.isEmpty else { throw MFAError(.invalidArgument, "the sign-in outcome is empty") }
        if let location = record.location, !location.isValid {
            throw MFAError(
                .invalidArgument, "coordinates \(location.latitude), \(location.longitude) are out of range")
        }
    }

    static func validate(_ event: AuditEvent) throws(MFAError) {
        guard !event.action.isEmpty else { throw MFAError(.invalidArgument, "the audit action is empty") }
    }

    /// Byte order of UTF-8, which is SQLite's BINARY collation: both stores sort identifiers alike.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
