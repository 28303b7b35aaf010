public import OneTimeCodes
public import WebAuthn

/// Where the MFA registry keeps its state: accounts, methods, one-time-code state, WebAuthn credentials
/// and ceremonies, trusted devices, sign-in history and the audit log.
///
/// All access goes through a transaction. ``write(_:)`` runs its closure with exclusive write access and
/// commits everything it did at once when the closure returns, or nothing when it throws; write
/// transactions never interleave, in one process or (for ``SQLiteMFAStore``) across processes. So a
/// read-modify-write inside one ``write(_:)`` is atomic: of any number of concurrent attempts to consume
/// one SMS code, recovery code or TOTP time step, at most one sees it unused. ``read(_:)`` sees one
/// consistent snapshot.
///
/// The closures are synchronous and block the calling thread while they wait for the store; keep them
/// free of anything but store calls and computation (no network I/O such as sending an SMS).
///
/// Two implementations pass one test suite: ``SQLiteMFAStore`` (the embedded default, durable) and
/// ``InMemoryMFAStore`` (for unit tests).
///
/// ```swift
/// let accepted = try store.write { (tx) throws(MFAError) -> Bool in
///     guard var stored = try tx.smsChallenge(id: challengeID) else { return false }
///     let ok = (try? stored.challenge.verify(code, key: key, at: now)) != nil
///     try tx.updateSMSChallenge(stored.challenge)       // a wrong code counts too
///     return ok
/// }
/// ```
public protocol MFARegistryStore: Sendable {
    /// Runs `body` with a read-only view of one consistent snapshot.
    ///
    /// - Parameter body: The reads; must not keep the view past its return.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``MFAError/Code/storageFailure`` when the store cannot be read.
    @discardableResult
    func read<R: Sendable>(_ body: (any MFAStoreReading) throws(MFAError) -> R) throws(MFAError) -> R

    /// Runs `body` in a write transaction: all of its changes are committed together when it returns, and
    /// none when it throws.
    ///
    /// - Parameter body: The work; must not keep the transaction past its return.
    /// - Returns: What `body` returns, once its changes are durable.
    /// - Throws: What `body` throws (nothing is written then), or ``MFAError/Code/storageFailure`` when the
    ///   transaction cannot begin or commit.
    @discardableResult
    func write<R: Sendable>(_ body: (any MFAStoreTransaction) throws(MFAError) -> R) throws(MFAError) -> R
}

/// The reads of an ``MFARegistryStore`` transaction.
///
/// Lists are ordered as documented, the same in every implementation. A view used after its closure
/// returned throws ``MFAError/Code/transactionEnded``.
public protocol MFAStoreReading {
    // MARK: Accounts

    /// The account `id`, or nil.
    ///
    /// - Parameter id: The account's identifier.
    /// - Returns: The account.
    /// - Throws: ``MFAError``.
    func account(id: String) throws(MFAError) -> MFAAccount?

    /// The account whose WebAuthn user handle is `userHandle`, or nil.
    ///
    /// - Parameter userHandle: The user handle a discoverable credential returned.
    /// - Returns: The account.
    /// - Throws: ``MFAError``.
    func account(userHandle: [UInt8]) throws(MFAError) -> MFAAccount?

    /// Every account, ordered by identifier (byte order of its UTF-8).
    ///
    /// - Returns: The accounts.
    /// - Throws: ``MFAError``.
    func accounts() throws(MFAError) -> [MFAAccount]

    // MARK: Methods

    /// The method `id`, or nil.
    ///
    /// - Parameter id: The method's identifier.
    /// - Returns: The method with its details.
    /// - Throws: ``MFAError``.
    func method(id: String) throws(MFAError) -> MFAMethodRecord?

    /// The security-key method whose credential ID is `credentialID`, or nil.
    ///
    /// - Parameter credentialID: A WebAuthn credential ID.
    /// - Returns: The method, whatever its state.
    /// - Throws: ``MFAError``.
    func method(credentialID: [UInt8]) throws(MFAError) -> MFAMethodRecord?

    /// Every method of `accountID`, removed ones included, oldest first (by creation time, then
    /// identifier).
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The methods; empty for an unknown account.
    /// - Throws: ``MFAError``.
    func methods(accountID: String) throws(MFAError) -> [MFAMethodRecord]

    // MARK: SMS

    /// The SMS challenge `id`, or nil.
    ///
    /// - Parameter id: The challenge's identifier.
    /// - Returns: The challenge, in whatever state.
    /// - Throws: ``MFAError``.
    func smsChallenge(id: String) throws(MFAError) -> StoredSMSChallenge?

    /// Every stored SMS challenge of `accountID`, newest first (by issue time, then identifier).
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The challenges.
    /// - Throws: ``MFAError``.
    func smsChallenges(accountID: String) throws(MFAError) -> [StoredSMSChallenge]

    /// The send ledger of `phoneNumber`; a fresh one when none is stored.
    ///
    /// - Parameter phoneNumber: The number.
    /// - Returns: The ledger.
    /// - Throws: ``MFAError``.
    func smsSendLedger(phoneNumber: PhoneNumber) throws(MFAError) -> SMSSendLedger

    // MARK: Throttling

    /// The failure count of `accountID`; a clean state when none is stored.
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The state.
    /// - Throws: ``MFAError``.
    func throttleState(accountID: String) throws(MFAError) -> ThrottleState

    // MARK: Trusted devices

    /// The trusted-device token `id`, or nil (expired ones too, until deleted).
    ///
    /// - Parameter id: The token's public identifier.
    /// - Returns: The record.
    /// - Throws: ``MFAError``.
    func trustedDevice(id: String) throws(MFAError) -> TrustedDeviceRecord?

    /// Every trusted-device token of `accountID`, oldest first (by issue time, then identifier).
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The records.
    /// - Throws: ``MFAError``.
    func trustedDevices(accountID: String) throws(MFAError) -> [TrustedDeviceRecord]

    // MARK: Sign-in history

    /// The latest sign-ins of `accountID`, newest first (by time, then by order of appending).
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - limit: The most records to return; 0 or more.
    /// - Returns: The records.
    /// - Throws: ``MFAError/Code/invalidArgument`` for a negative limit.
    func signIns(accountID: String, limit: Int) throws(MFAError) -> [StoredSignIn]

    /// Whether `accountID` ever signed in from `deviceID`.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - deviceID: The device.
    /// - Returns: True when a recorded sign-in has that device.
    /// - Throws: ``MFAError``.
    func hasSignIn(accountID: String, deviceID: String) throws(MFAError) -> Bool

    // MARK: Audit log

    /// Audit events in the order they were appended.
    ///
    /// - Parameters:
    ///   - accountID: Only this account's events, or every event for nil.
    ///   - sequence: Only events after this ``AuditEvent/sequence`` (0 for all).
    ///   - limit: The most events to return; 0 or more.
    /// - Returns: The events.
    /// - Throws: ``MFAError/Code/invalidArgument`` for a negative limit.
    func auditEvents(accountID: String?, after sequence: Int64, limit: Int) throws(MFAError) -> [AuditEvent]
}

/// The reads and writes of an ``MFARegistryStore`` write transaction.
///
/// Every method validates its arguments and the records they name the same way in every implementation,
/// and throws before changing anything: ``MFAError/Code/notFound`` for a record that does not exist,
/// ``MFAError/Code/alreadyExists`` for a duplicate identifier, ``MFAError/Code/invalidArgument`` for a
/// value out of range, ``MFAError/Code/invalidTransition`` for a lifecycle change the rules forbid or a
/// change to a removed method. A throw does not end the transaction; the closure may catch it and go on.
public protocol MFAStoreTransaction: MFAStoreReading {
    // MARK: Accounts

    /// Stores a new account.
    ///
    /// - Parameter account: A non-empty identifier and a user handle of 1 to 64 bytes, both unused.
    /// - Throws: ``MFAError/Code/alreadyExists`` (identifier or user handle taken),
    ///   ``MFAError/Code/invalidArgument``.
    func insertAccount(_ account: MFAAccount) throws(MFAError)

    /// Marks an account interactive, or a non-interactive service account.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - isInteractive: False for a service account.
    /// - Throws: ``MFAError/Code/notFound``.
    func setInteractive(accountID: String, _ isInteractive: Bool) throws(MFAError)

    /// Sets or clears an account's preferred method.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - methodID: One of its methods that is not removed, or nil to clear.
    /// - Throws: ``MFAError/Code/notFound`` (account or method), ``MFAError/Code/invalidArgument`` (a
    ///   method of another account), ``MFAError/Code/invalidTransition`` (a removed method).
    func setPreferredMethod(accountID: String, methodID: String?) throws(MFAError)

    /// Increments an account's MFA-configuration generation, so trusted-device tokens issued before no
    /// longer count.
    ///
    /// - Parameter accountID: The account.
    /// - Returns: The new generation.
    /// - Throws: ``MFAError/Code/notFound``.
    @discardableResult
    func bumpConfigurationGeneration(accountID: String) throws(MFAError) -> Int64

    // MARK: Methods

    /// Stores a new method and its details together.
    ///
    /// - Parameter method: A method of an existing account with an unused identifier, a state other than
    ///   removed, and details that are complete (a non-empty sealed secret; a credential ID not used by
    ///   any method).
    /// - Throws: ``MFAError/Code/notFound`` (account), ``MFAError/Code/alreadyExists`` (method identifier or
    ///   credential ID), ``MFAError/Code/invalidArgument``.
    func insertMethod(_ method: MFAMethodRecord) throws(MFAError)

    /// Moves a method through its lifecycle (see ``MFAMethodState/canTransition(to:)``).
    ///
    /// Removing the account's preferred method also clears the preference.
    ///
    /// - Parameters:
    ///   - id: The method.
    ///   - state: The new state.
    ///   - time: The time of the change in Unix seconds (the new ``MFAMethodRecord/updatedAt``).
    /// - Returns: The method as stored afterwards.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition``.
    @discardableResult
    func setMethodState(id: String, to state: MFAMethodState, at time: Int64) throws(MFAError) -> MFAMethodRecord

    /// Renames a method.
    ///
    /// - Parameters:
    ///   - id: The method.
    ///   - name: The new name.
    ///   - time: The time of the change in Unix seconds.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidTransition`` (removed).
    func renameMethod(id: String, to name: String, at time: Int64) throws(MFAError)

    /// Records that a TOTP method accepted the code of time step `step`, if `step` is later than the last
    /// one accepted (compare-and-set: a step is never accepted twice).
    ///
    /// - Parameters:
    ///   - methodID: A TOTP method.
    ///   - step: The accepted step (``OneTimeCodes/TOTPMatch/timeStep``), at most `Int64.max`.
    ///   - time: The time of the change in Unix seconds.
    /// - Returns: True when stored; false when `step` is not after the stored one (the code was replayed).
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidArgument`` (not TOTP, step too large),
    ///   ``MFAError/Code/invalidTransition`` (removed).
    func advanceTOTPTimeStep(methodID: String, to step: UInt64, at time: Int64) throws(MFAError) -> Bool

    /// Moves an SMS method to a new number (the last step of a confirmed phone-number change).
    ///
    /// - Parameters:
    ///   - methodID: An SMS method.
    ///   - phoneNumber: The new number.
    ///   - time: The time of the change in Unix seconds.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidArgument`` (not SMS),
    ///   ``MFAError/Code/invalidTransition`` (removed).
    func replaceSMSPhoneNumber(methodID: String, with phoneNumber: PhoneNumber, at time: Int64) throws(MFAError)

    /// Stores a recovery code set in place of a method's current one: a set with a code marked used, or a
    /// newly generated set (which makes every old code worthless).
    ///
    /// - Parameters:
    ///   - methodID: A recovery-codes method.
    ///   - set: The set.
    ///   - time: The time of the change in Unix seconds.
    /// - Throws: ``MFAError/Code/notFound``, ``MFAError/Code/invalidArgument`` (not recovery codes),
    ///   ``MFAError/Code/invalidTransition`` (removed).
    func replaceRecoveryCodeSet(methodID: String, with set: RecoveryCodeSet, at time: Int64) throws(MFAError)

    /// Stores an updated credential record if the stored sign count is still `expectedSignCount`
    /// (compare-and-set, for ``WebAuthn/AuthenticationResult/needsUpdate``).
    ///
    /// Of two concurrent assertions verified against the same stored record, only the first to store its
    /// update succeeds; the other gets false and must be refused. Authenticators that keep no counter
    /// (always 0) cannot be told apart this way.
    ///
    /// - Parameters:
    ///   - record: The record from the verified assertion; its credential ID names the method.
    ///   - expectedSignCount: The sign count of the record the assertion was verified against.
    ///   - time: The time of the change in Unix seconds.
    /// - Returns: True when stored, false when the stored count had changed.
    /// - Throws: ``MFAError/Code/notFound`` (no such credential), ``MFAError/Code/invalidTransition``
    ///   (removed).
    func updateCredential(_ record: CredentialRecord, expectedSignCount: UInt32, at time: Int64) throws(MFAError)
        -> Bool

    // MARK: SMS

    /// Stores a new SMS challenge.
    ///
    /// - Parameter challenge: A challenge of an existing account with an unused identifier; its method, if
    ///   any, an SMS method of the same account.
    /// - Throws: ``MFAError/Code/notFound`` (account or method), ``MFAError/Code/alreadyExists``,
    ///   ``MFAError/Code/invalidArgument``.
    func insertSMSChallenge(_ challenge: StoredSMSChallenge) throws(MFAError)

    /// Stores a challenge's new state after ``OneTimeCodes/SMSChallenge/verify(_:key:at:)``.
    ///
    /// - Parameter challenge: The challenge, identified by its ``OneTimeCodes/SMSChallenge/id``.
    /// - Throws: ``MFAError/Code/notFound``.
    func updateSMSChallenge(_ challenge: SMSChallenge) throws(MFAError)

    /// Deletes the SMS challenges that expired before `time`.
    ///
    /// - Parameter time: Challenges whose ``OneTimeCodes/SMSChallenge/expiresAt`` is at or before this go.
    /// - Returns: How many were deleted.
    /// - Throws: ``MFAError``.
    @discardableResult
    func deleteSMSChallenges(expiredAt time: Int64) throws(MFAError) -> Int

    /// Stores the send ledger of `phoneNumber`.
    ///
    /// - Parameters:
    ///   - ledger: The ledger after ``OneTimeCodes/SMSSendLedger/recordSend(policy:at:)``.
    ///   - phoneNumber: The number.
    /// - Throws: ``MFAError``.
    func saveSMSSendLedger(_ ledger: SMSSendLedger, phoneNumber: PhoneNumber) throws(MFAError)

    // MARK: WebAuthn ceremonies

    /// Stores the state of a ceremony that has started.
    ///
    /// - Parameter state: A state with an unused identifier; its account, if any, must exist.
    /// - Throws: ``MFAError/Code/alreadyExists``, ``MFAError/Code/notFound`` (account),
    ///   ``MFAError/Code/invalidArgument``.
    func insertCeremonyState(_ state: StoredCeremonyState) throws(MFAError)

    /// Deletes the ceremony state `id` and returns it, in one step: the state can be consumed once.
    ///
    /// An expired state is returned too (the relying party's finish refuses it with
    /// ``WebAuthn/WebAuthnError/Code/ceremonyExpired``).
    ///
    /// - Parameter id: The state's identifier.
    /// - Returns: The state, or nil when there is none (never stored, or consumed already).
    /// - Throws: ``MFAError/Code/corruptRecord`` when the stored bytes do not read back.
    func consumeCeremonyState(id: String) throws(MFAError) -> StoredCeremonyState?

    /// Deletes the ceremony states that expired at or before `time`.
    ///
    /// - Parameter time: The current time in Unix seconds.
    /// - Returns: How many were deleted.
    /// - Throws: ``MFAError``.
    @discardableResult
    func deleteCeremonyStates(expiredAt time: Int64) throws(MFAError) -> Int

    // MARK: Throttling

    /// Stores the failure count of an account.
    ///
    /// - Parameters:
    ///   - state: The state after a failure, a success or a reset.
    ///   - accountID: The account.
    /// - Throws: ``MFAError/Code/notFound``.
    func saveThrottleState(_ state: ThrottleState, accountID: String) throws(MFAError)

    // MARK: Trusted devices

    /// Stores a new trusted-device token.
    ///
    /// - Parameter device: A token of an existing account with an unused identifier, a non-empty secret
    ///   hash and an expiry not before its issue time.
    /// - Throws: ``MFAError/Code/notFound`` (account), ``MFAError/Code/alreadyExists``,
    ///   ``MFAError/Code/invalidArgument``.
    func insertTrustedDevice(_ device: TrustedDeviceRecord) throws(MFAError)

    /// Deletes one trusted-device token.
    ///
    /// - Parameter id: The token's identifier.
    /// - Returns: Whether it existed.
    /// - Throws: ``MFAError``.
    @discardableResult
    func deleteTrustedDevice(id: String) throws(MFAError) -> Bool

    /// Deletes every trusted-device token of an account (on a reset, a phone change, a method removal).
    ///
    /// - Parameter accountID: The account.
    /// - Returns: How many were deleted.
    /// - Throws: ``MFAError``.
    @discardableResult
    func revokeTrustedDevices(accountID: String) throws(MFAError) -> Int

    /// Deletes the trusted-device tokens that expired at or before `time`.
    ///
    /// - Parameter time: The current time in Unix seconds.
    /// - Returns: How many were deleted.
    /// - Throws: ``MFAError``.
    @discardableResult
    func deleteTrustedDevices(expiredAt time: Int64) throws(MFAError) -> Int

    // MARK: Append-only logs

    /// Appends a sign-in to the history.
    ///
    /// - Parameter record: A sign-in of an existing account with a non-empty outcome and valid coordinates.
    /// - Returns: The record with its ``StoredSignIn/sequence``.
    /// - Throws: ``MFAError/Code/notFound`` (account), ``MFAError/Code/invalidArgument``.
    @discardableResult
    func appendSignIn(_ record: StoredSignIn) throws(MFAError) -> StoredSignIn

    /// Appends an event to the audit log. Nothing can change or delete it afterwards.
    ///
    /// - Parameter event: An event with a non-empty action.
    /// - Returns: The event with its ``AuditEvent/sequence``.
    /// - Throws: ``MFAError/Code/invalidArgument``.
    @discardableResult
    func appendAuditEvent(_ event: AuditEvent) throws(MFAError) -> AuditEvent
}
