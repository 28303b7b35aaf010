internal import OneTimeCodes
internal import OpenSSLWrapper
public import WebAuthn

/// One MFA policy over authenticator apps (TOTP), SMS codes, security keys and recovery codes, per account.
///
/// The registry enrolls, confirms, removes and resets methods, sends SMS codes, runs WebAuthn ceremonies,
/// decides at each sign-in whether to allow, prompt or demand enrollment, and checks the answer to a
/// prompt. Its state lives in an ``MFARegistryStore``; every change is one store transaction, and every
/// SMS and notification is sent after that transaction commits, never inside it.
///
/// ```swift
/// let registry = try MFAMethodRegistry(databasePath: "mfa.sqlite", keyFile: "mfa.key",
///                                      smsOutboxPath: "sms.jsonl", notificationOutboxPath: "mail.jsonl")
/// _ = try registry.createAccount(id: "alice@example.org")
/// let enrollment = try registry.beginTOTPEnrollment(accountID: "alice@example.org")
/// print(enrollment.qrCode.terminalString())
/// _ = try await registry.confirmTOTPEnrollment(accountID: "alice@example.org",
///                                              methodID: enrollment.methodID, code: typedCode)
/// switch try registry.signIn(accountID: "alice@example.org", context: SignInContext(ipAddress: ip)) {
/// case .allow: break                                   // in
/// case .challenge(let prompt): showPrompt(prompt.methods)  // then completeSignIn(...)
/// case .enrollmentRequired: showEnrollment()
/// }
/// ```
///
/// Failed second-factor attempts of every kind count against the account (``Configuration/throttle``): a
/// throttled account gets ``MFAError/Code/throttled`` with ``MFAError/retryAfter``, a locked one
/// ``MFAError/Code/locked`` until a recovery code or an administrator lifts it. A wrong code gets
/// ``MFAError/Code/codeNotValid``, whose ``MFAError/userMessage`` is ``MFAError/wrongCodeMessage``.
public struct MFAMethodRegistry: Sendable {
    /// Where the state lives.
    public let store: any MFARegistryStore
    /// The policies.
    public let configuration: Configuration
    /// The relying party of security-key ceremonies.
    public let relyingParty: RelyingParty
    let keys: MFAServerKeys
    let smsGateway: any SMSGateway
    let notifier: any Notifier
    let ipLocator: (any IPLocator)?
    let clock: @Sendable () -> Int64

    /// A registry over the given parts.
    ///
    /// - Parameters:
    ///   - store: Where the state lives: ``SQLiteMFAStore`` or ``InMemoryMFAStore``.
    ///   - keys: The server keys that seal TOTP secrets and hash codes.
    ///   - smsGateway: Where SMS codes go.
    ///   - notifier: Where notifications to account owners go.
    ///   - relyingParty: The WebAuthn relying party for security keys.
    ///   - ipLocator: GeoIP for the location risk signals, if any.
    ///   - configuration: The policies; the defaults by default.
    ///   - clock: Unix seconds; nil for the system clock. Tests inject one.
    public init(
        store: any MFARegistryStore, keys: MFAServerKeys, smsGateway: any SMSGateway, notifier: any Notifier,
        relyingParty: RelyingParty, ipLocator: (any IPLocator)? = nil, configuration: Configuration = Configuration(),
        clock: (@Sendable () -> Int64)? = nil
    ) {
        self.store = store
        self.keys = keys
        self.smsGateway = smsGateway
        self.notifier = notifier
        self.relyingParty = relyingParty
        self.ipLocator = ipLocator
        self.configuration = configuration
        self.clock = clock ?? systemUnixTime
    }

    /// The embedded set-up the `keybridge mfa` command line uses: an SQLite database, one key file, and
    /// outbox files for SMS codes and notifications.
    ///
    /// - Parameters:
    ///   - databasePath: The SQLite database; created (and migrated) when missing.
    ///   - keyFile: The master key file (see ``MFAServerKeys/init(contentsOfFile:)``).
    ///   - smsOutboxPath: The file ``OutboxSMSGateway`` appends SMS codes to.
    ///   - notificationOutboxPath: The file ``OutboxNotifier`` appends notifications to.
    ///   - relyingParty: The relying party for security keys; ``localRelyingParty`` by default.
    ///   - ipLocator: GeoIP, if any.
    ///   - configuration: The policies.
    ///   - clock: Unix seconds; nil for the system clock.
    /// - Throws: ``MFAError/Code/storageFailure`` when the database cannot be opened,
    ///   ``MFAError/Code/invalidKey`` when the key file cannot be used.
    public init(
        databasePath: String, keyFile: String, smsOutboxPath: String, notificationOutboxPath: String,
        relyingParty: RelyingParty = MFAMethodRegistry.localRelyingParty, ipLocator: (any IPLocator)? = nil,
        configuration: Configuration = Configuration(), clock: (@Sendable () -> Int64)? = nil
    ) throws(MFAError) {
        let keys = try MFAServerKeys(contentsOfFile: keyFile)
        let store = try SQLiteMFAStore(path: databasePath)
        self.init(
            store: store, keys: keys, smsGateway: OutboxSMSGateway(path: smsOutboxPath, clock: clock),
            notifier: OutboxNotifier(path: notificationOutboxPath), relyingParty: relyingParty, ipLocator: ipLocator,
            configuration: configuration, clock: clock)
    }

    /// A relying party for `localhost` (origins `https://localhost` and `http://localhost`), for development
    /// and the command line.
    public static let localRelyingParty = RelyingParty(
        configuration: RelyingParty.Configuration(
            rpID: "localhost", rpName: "KeyBridge", allowedOrigins: ["https://localhost", "http://localhost"]))

    // MARK: - Shared helpers

    /// The registry's clock.
    func now() -> Int64 { clock() }

    /// A new random identifier: 128 bits as 32 lowercase hex digits.
    func newIdentifier() -> String { MessageIdentifier.hex(SecureRandom.bytes(16)) }

    static func requireAccount(_ tx: any MFAStoreReading, _ id: String) throws(MFAError) -> MFAAccount {
        guard let account = try tx.account(id: id) else { throw MFAError(.notFound, "no account \(id)") }
        return account
    }

    /// The method `id` of `accountID`; a method of another account is reported as missing.
    static func requireMethod(_ tx: any MFAStoreReading, _ id: String, accountID: String) throws(MFAError)
        -> MFAMethodRecord
    {
        guard let method = try tx.method(id: id), method.accountID == accountID else {
            throw MFAError(.notFound, "account \(accountID) has no method \(id)")
        }
        return method
    }

    /// The error for a missing method of `kind`: ``MFAError/Code/enrollmentRequired`` when the account has
    /// no active method at all, ``MFAError/Code/notFound`` otherwise.
    static func missingMethod(_ tx: any MFAStoreReading, accountID: String, _ what: String) throws(MFAError) -> MFAError {
        if activePrimaryMethods(try tx.methods(accountID: accountID)).isEmpty {
            return MFAError(.enrollmentRequired, "account \(accountID) has no active MFA method; enroll one first")
        }
        return MFAError(.notFound, "account \(accountID) has no \(what)")
    }

    /// Methods that satisfy a prompt on their own; recovery codes are the backup.
    static func isPrimary(_ kind: MFAMethodKind) -> Bool { kind != .recoveryCodes }

    static func activePrimaryMethods(_ methods: [MFAMethodRecord]) -> [MFAMethodRecord] {
        methods.filter { $0.state == .active && isPrimary($0.kind) }
    }

    /// True when exactly one method is active (recovery codes count as a backup).
    static func recommendsBackup(_ methods: [MFAMethodRecord]) -> Bool {
        methods.filter { $0.state == .active }.count == 1
    }

    /// Live methods, the preferred one first, then primary methods oldest first, recovery codes last.
    static func ordered(_ methods: [MFAMethodRecord], preferred: String?) -> [MFAMethodRecord] {
        let live = methods.filter { $0.state != .removed }
        let rank: (MFAMethodRecord) -> Int = { method in
            if method.id == preferred { return 0 }
            return isPrimary(method.kind) ? 1 : 2
        }
        // The store lists oldest first; a stable partition by rank keeps that order within a rank.
        return [0, 1, 2].flatMap { value in live.filter { rank($0) == value } }
    }

    static func audit(
        _ tx: any MFAStoreTransaction, _ time: Int64, _ accountID: String?, _ action: String, _ detail: String
    ) throws(MFAError) {
        try tx.appendAuditEvent(AuditEvent(time: time, accountID: accountID, action: action, detail: detail))
    }

    // MARK: - Throttling

    /// Throws unless a second-factor attempt may be made now. A recovery code may still be tried on a
    /// locked account (a successful one lifts the lock), at most once per maximum delay.
    func checkThrottle(_ tx: any MFAStoreReading, accountID: String, at now: Int64, forRecovery: Bool = false)
        throws(MFAError)
    {
        let state = try tx.throttleState(accountID: accountID)
        let policy = configuration.throttle
        switch state.decision(policy: policy, at: now) {
        case .allowed:
            return
        case .retryAfter(let seconds):
            throw MFAError(
                .throttled, "\(state.consecutiveFailures) consecutive failures; retry in \(seconds) s",
                retryAfter: seconds)
        case .locked:
            guard forRecovery else {
                throw MFAError(
                    .locked,
                    "\(state.consecutiveFailures) consecutive failures: locked until a recovery code or an administrator")
            }
            let wait = (state.lastFailureAt ?? now) + policy.maximumDelay - now
            if wait > 0 {
                throw MFAError(
                    .throttled, "locked; the next recovery-code attempt is allowed in \(wait) s", retryAfter: wait)
            }
        }
    }

    /// Counts a failed second-factor attempt and logs it; returns `error` for the caller to throw after the
    /// transaction commits (so the count is kept).
    func recordFailure(
        _ tx: any MFAStoreTransaction, accountID: String, kind: MFAMethodKind, at now: Int64, _ error: MFAError
    ) throws(MFAError) -> MFAError {
        var state = try tx.throttleState(accountID: accountID)
        state.recordFailure(at: now)
        try tx.saveThrottleState(state, accountID: accountID)
        try Self.audit(
            tx, now, accountID, "second-factor-failed",
            "\(kind) attempt failed (\(error.code)): \(error.reason); \(state.consecutiveFailures) consecutive failures")
        return error
    }

    /// Clears the failure count after a successful second factor.
    static func resetThrottle(_ tx: any MFAStoreTransaction, accountID: String) throws(MFAError) {
        let state = try tx.throttleState(accountID: accountID)
        if state.consecutiveFailures > 0 { try tx.saveThrottleState(ThrottleState(), accountID: accountID) }
    }

    // MARK: - Activation

    /// What ``activate(_:method:account:at:)`` did.
    struct Activation: Sendable {
        let summary: MFAMethodSummary
        let enabledMFA: Bool
        let recommendsBackup: Bool
    }

    /// Moves a proven method through confirmed to active, makes it preferred when the account has no
    /// preference, and logs it.
    func activate(_ tx: any MFAStoreTransaction, method: MFAMethodRecord, account: MFAAccount, at now: Int64)
        throws(MFAError) -> Activation
    {
        let before = try tx.methods(accountID: account.id)
        let hadPrimary = !Self.activePrimaryMethods(before.filter { $0.id != method.id }).isEmpty
        if method.state == .pending { try tx.setMethodState(id: method.id, to: .confirmed, at: now) }
        let active = try tx.setMethodState(id: method.id, to: .active, at: now)
        var preferred = account.preferredMethodID
        if preferred == nil, Self.isPrimary(method.kind) {
            try tx.setPreferredMethod(accountID: account.id, methodID: method.id)
            preferred = method.id
        }
        let enabled = !hadPrimary && Self.isPrimary(method.kind)
        try Self.audit(
            tx, now, account.id, "method-activated",
            "\(method.kind) method \(method.id) (\(method.name)) is active" + (enabled ? "; MFA is now on" : ""))
        let after = try tx.methods(accountID: account.id)
        return Activation(
            summary: MFAMethodSummary(active, preferredMethodID: preferred), enabledMFA: enabled,
            recommendsBackup: Self.recommendsBackup(after))
    }

    // MARK: - Notifications

    /// Sends a notification after the change committed. A failure is logged and returned, never thrown:
    /// the change stands.
    func notify(_ event: MFAEvent, account: MFAAccount, detail: String?, at now: Int64) async -> MFAError? {
        let notification = MFANotification.standard(
            event: event, to: configuration.notificationAddress(account), account: account.id, detail: detail, time: now)
        do {
            try await notifier.notify(notification)
            return nil
        } catch {
            let failure = MFAError(.deliveryFailed, "the \(event.rawValue) notification failed: \(error)")
            _ = try? store.write { (tx) throws(MFAError) in
                try Self.audit(tx, now, account.id, "notification-failed", failure.reason)
            }
            return failure
        }
    }

    // MARK: - Error mapping

    /// The registry's error for a rejection from `OneTimeCodes`.
    static func mapped(_ error: OneTimeCodeError) -> MFAError {
        switch error.code {
        case .invalidCode, .codeReused: return MFAError(.codeNotValid, error.reason)
        case .codeExpired: return MFAError(.codeExpired, error.reason)
        case .tooManyAttempts: return MFAError(.tooManyAttempts, error.reason)
        case .invalidPhoneNumber: return MFAError(.invalidPhoneNumber, error.reason)
        case .unsupportedCountry: return MFAError(.unsupportedCountry, error.reason)
        case .resendTooSoon: return MFAError(.resendCooldown, error.reason, retryAfter: error.retryAfter)
        case .dailyLimitReached: return MFAError(.dailyLimitReached, error.reason, retryAfter: error.retryAfter)
        case .throttled: return MFAError(.throttled, error.reason, retryAfter: error.retryAfter)
        case .locked: return MFAError(.locked, error.reason)
        case .invalidKey, .insecureKeyFile, .keyFileUnreadable: return MFAError(.invalidKey, error.reason)
        case .decryptionFailed: return MFAError(.corruptRecord, "a sealed secret does not open: \(error.reason)")
        case .invalidParameter, .invalidSecret, .invalidBase32, .invalidURI:
            return MFAError(.invalidArgument, error.reason)
        default: return MFAError(.internalError, error.reason)
        }
    }
}
