import OneTimeCodes
import WebAuthn

/// One transaction of an ``InMemoryMFAStore``: works on its own copy of the state.
final class InMemoryTransaction: MFAStoreTransaction {
    private(set) var state: InMemoryState
    private let writable: Bool
    private var isOpen = true

    init(state: InMemoryState, writable: Bool) {
        self.state = state
        self.writable = writable
    }

    func close() { isOpen = false }

    private func ensureOpen() throws(MFAError) {
        guard isOpen else { throw MFAError(.transactionEnded, "the store transaction has ended") }
    }

    private func ensureWritable() throws(MFAError) {
        try ensureOpen()
        guard writable else { throw MFAError(.transactionEnded, "a read transaction cannot write") }
    }

    private func existingAccount(_ id: String) throws(MFAError) -> MFAAccount {
        guard let account = state.accounts[id] else { throw MFAError(.notFound, "no account \(id)") }
        return account
    }

    private func existingMethod(_ id: String) throws(MFAError) -> MFAMethodRecord {
        guard let method = state.methods[id] else { throw MFAError(.notFound, "no method \(id)") }
        return method
    }

    // MARK: - Reads

    func account(id: String) throws(MFAError) -> MFAAccount? {
        try ensureOpen()
        return state.accounts[id]
    }

    func account(userHandle: [UInt8]) throws(MFAError) -> MFAAccount? {
        try ensureOpen()
        return state.accounts.values.first { $0.userHandle == userHandle }
    }

    func accounts() throws(MFAError) -> [MFAAccount] {
        try ensureOpen()
        return state.accounts.values.sorted { StoreRules.precedes($0.id, $1.id) }
    }

    func method(id: String) throws(MFAError) -> MFAMethodRecord? {
        try ensureOpen()
        return state.methods[id]
    }

    func method(credentialID: [UInt8]) throws(MFAError) -> MFAMethodRecord? {
        try ensureOpen()
        return state.methods.values.first { method in
            if case .securityKey(let record) = method.details { return record.id == credentialID }
            return false
        }
    }

    func methods(accountID: String) throws(MFAError) -> [MFAMethodRecord] {
        try ensureOpen()
        return state.methods.values.filter { $0.accountID == accountID }.sorted { a, b in
            a.createdAt != b.createdAt ? a.createdAt < b.createdAt : StoreRules.precedes(a.id, b.id)
        }
    }

    func smsChallenge(id: String) throws(MFAError) -> StoredSMSChallenge? {
        try ensureOpen()
        return state.smsChallenges[id]
    }

    func smsChallenges(accountID: String) throws(MFAError) -> [StoredSMSChallenge] {
        try ensureOpen()
        return state.smsChallenges.values.filter { $0.accountID == accountID }.sorted { a, b in
            a.challenge.issuedAt != b.challenge.issuedAt
                ? a.challenge.issuedAt > b.challenge.issuedAt : StoreRules.precedes(a.id, b.id)
        }
    }

    func smsSendLedger(phoneNumber: PhoneNumber) throws(MFAError) -> SMSSendLedger {
        try ensureOpen()
        return state.smsLedgers[phoneNumber.e164] ?? SMSSendLedger()
    }

    func throttleState(accountID: String) throws(MFAError) -> ThrottleState {
        try ensureOpen()
        return state.throttle[accountID] ?? ThrottleState()
    }

    func trustedDevice(id: String) throws(MFAError) -> TrustedDeviceRecord? {
        try ensureOpen()
        return state.trustedDevices[id]
    }

    func trustedDevices(accountID: String) throws(MFAError) -> [TrustedDeviceRecord] {
        try ensureOpen()
        return state.trustedDevices.values.filter { $0.accountID == accountID }.sorted { a, b in
            a.createdAt != b.createdAt ? a.createdAt < b.createdAt : StoreRules.precedes(a.id, b.id)
        }
    }

    func signIns(accountID: String, limit: Int) throws(MFAError) -> [StoredSignIn] {
        try ensureOpen()
        try StoreRules.requireLimit(limit)
        let sorted = state.signIns.filter { $0.accountID == accountID }.sorted { a, b in
            a.time != b.time ? a.time > b.time : a.sequence > b.sequence
        }
        return Array(sorted.prefix(limit))
    }

    func hasSignIn(accountID: String, deviceID: String) throws(MFAError) -> Bool {
        try ensureOpen()
        return state.signIns.contains { $0.accountID == accountID && $0.deviceID == deviceID }
    }

    func auditEvents(accountID: String?, after sequence: Int64, limit: Int) throws(MFAError) -> [AuditEvent] {
        try ensureOpen()
        try StoreRules.requireLimit(limit)
        let matching = state.audit.lazy.filter { event in
            event.sequence > sequence && (accountID == nil || event.accountID == accountID)
        }
        return Array(matching.prefix(limit))
    }

    // MARK: - Accounts

    func insertAccount(_ account: MFAAccount) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(account)
        guard state.accounts[account.id] == nil else {
            throw MFAError(.alreadyExists, "account \(account.id) exists")
        }
        guard !state.accounts.values.contains(where: { $0.userHandle == account.userHandle }) else {
            throw MFAError(.alreadyExists, "the user handle belongs to another account")
        }
        // A new account starts at generation 0 with no preference, whatever the value says.
        state.accounts[account.id] = MFAAccount(
            id: account.id, createdAt: account.createdAt, isInteractive: account.isInteractive,
            userHandle: account.userHandle, configurationGeneration: 0, preferredMethodID: nil)
    }

    func setInteractive(accountID: String, _ isInteractive: Bool) throws(MFAError) {
        try ensureWritable()
        var account = try existingAccount(accountID)
        account.isInteractive = isInteractive
        state.accounts[accountID] = account
    }

    func setPreferredMethod(accountID: String, methodID: String?) throws(MFAError) {
        try ensureWritable()
        var account = try existingAccount(accountID)
        if let methodID {
            let method = try existingMethod(methodID)
            guard method.accountID == accountID else {
                throw MFAError(.invalidArgument, "method \(methodID) belongs to another account")
            }
            try StoreRules.requireLive(method)
        }
        account.preferredMethodID = methodID
        state.accounts[accountID] = account
    }

    func bumpConfigurationGeneration(accountID: String) throws(MFAError) -> Int64 {
        try ensureWritable()
        var account = try existingAccount(accountID)
        account.configurationGeneration += 1
        state.accounts[accountID] = account
        return account.configurationGeneration
    }

    // MARK: - Methods

    func insertMethod(_ method: MFAMethodRecord) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(method)
        _ = try existingAccount(method.accountID)
        guard state.methods[method.id] == nil else { throw MFAError(.alreadyExists, "method \(method.id) exists") }
        if case .securityKey(let record) = method.details, try self.method(credentialID: record.id) != nil {
            throw MFAError(.alreadyExists, "the credential ID is registered already")
        }
        var stored = method
        stored.updatedAt = method.createdAt
        state.methods[method.id] = stored
    }

    func setMethodState(id: String, to next: MFAMethodState, at time: Int64) throws(MFAError) -> MFAMethodRecord {
        try ensureWritable()
        var method = try existingMethod(id)
        try StoreRules.transition(method, to: next)
        method.state = next
        method.updatedAt = time
        state.methods[id] = method
        if next == .removed, var account = state.accounts[method.accountID], account.preferredMethodID == id {
            account.preferredMethodID = nil
            state.accounts[account.id] = account
        }
        return method
    }

    func renameMethod(id: String, to name: String, at time: Int64) throws(MFAError) {
        try ensureWritable()
        var method = try existingMethod(id)
        try StoreRules.requireLive(method)
        method.name = name
        method.updatedAt = time
        state.methods[id] = method
    }

    func advanceTOTPTimeStep(methodID: String, to step: UInt64, at time: Int64) throws(MFAError) -> Bool {
        try ensureWritable()
        var method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .totp)
        try StoreRules.requireLive(method)
        _ = try StoreRules.storedTimeStep(step)
        guard case .totp(var data) = method.details else { return false }
        if let last = data.lastAcceptedTimeStep, step <= last { return false }
        data.lastAcceptedTimeStep = step
        method.details = .totp(data)
        method.updatedAt = time
        state.methods[methodID] = method
        return true
    }

    func replaceSMSPhoneNumber(methodID: String, with phoneNumber: PhoneNumber, at time: Int64) throws(MFAError) {
        try ensureWritable()
        var method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .sms)
        try StoreRules.requireLive(method)
        method.details = .sms(phoneNumber)
        method.updatedAt = time
        state.methods[methodID] = method
    }

    func replaceRecoveryCodeSet(methodID: String, with set: RecoveryCodeSet, at time: Int64) throws(MFAError) {
        try ensureWritable()
        var method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .recoveryCodes)
        try StoreRules.requireLive(method)
        method.details = .recoveryCodes(set)
        method.updatedAt = time
        state.methods[methodID] = method
    }

    func updateCredential(_ record: CredentialRecord, expectedSignCount: UInt32, at time: Int64) throws(MFAError)
        -> Bool
    {
        try ensureWritable()
        guard var method = try self.method(credentialID: record.id), case .securityKey(let stored) = method.details
        else {
            throw MFAError(.notFound, "no security key with that credential ID")
        }
        try StoreRules.requireLive(method)
        guard stored.signCount == expectedSignCount else { return false }
        method.details = .securityKey(record)
        method.updatedAt = time
        state.methods[method.id] = method
        return true
    }

    // MARK: - SMS

    func insertSMSChallenge(_ challenge: StoredSMSChallenge) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(challenge)
        _ = try existingAccount(challenge.accountID)
        if let methodID = challenge.methodID {
            try StoreRules.validate(challenge, method: try existingMethod(methodID))
        }
        guard state.smsChallenges[challenge.id] == nil else {
            throw MFAError(.alreadyExists, "SMS challenge \(challenge.id) exists")
        }
        state.smsChallenges[challenge.id] = challenge
    }

    func updateSMSChallenge(_ challenge: SMSChallenge) throws(MFAError) {
        try ensureWritable()
        guard var stored = state.smsChallenges[challenge.id] else {
            throw MFAError(.notFound, "no SMS challenge \(challenge.id)")
        }
        stored.challenge = challenge
        state.smsChallenges[challenge.id] = stored
    }

    func deleteSMSChallenges(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        let expired = state.smsChallenges.values.filter { $0.challenge.expiresAt <= time }.map(\.id)
        for id in expired { state.smsChallenges[id] = nil }
        return expired.count
    }

    func saveSMSSendLedger(_ ledger: SMSSendLedger, phoneNumber: PhoneNumber) throws(MFAError) {
        try ensureWritable()
        state.smsLedgers[phoneNumber.e164] = ledger
    }

    // MARK: - Ceremonies

    func insertCeremonyState(_ ceremony: StoredCeremonyState) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(ceremony)
        if let accountID = ceremony.accountID { _ = try existingAccount(accountID) }
        guard state.ceremonies[ceremony.id] == nil else {
            throw MFAError(.alreadyExists, "ceremony state \(ceremony.id) exists")
        }
        state.ceremonies[ceremony.id] = ceremony
    }

    func consumeCeremonyState(id: String) throws(MFAError) -> StoredCeremonyState? {
        try ensureWritable()
        return state.ceremonies.removeValue(forKey: id)
    }

    func deleteCeremonyStates(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        let expired = state.ceremonies.values.filter { $0.expiresAt <= time }.map(\.id)
        for id in expired { state.ceremonies[id] = nil }
        return expired.count
    }

    // MARK: - Throttling

    func saveThrottleState(_ throttle: ThrottleState, accountID: String) throws(MFAError) {
        try ensureWritable()
        _ = try existingAccount(accountID)
        state.throttle[accountID] = throttle
    }

    // MARK: - Trusted devices

    func insertTrustedDevice(_ device: TrustedDeviceRecord) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(device)
        _ = try existingAccount(device.accountID)
        guard state.trustedDevices[device.id] == nil else {
            throw MFAError(.alreadyExists, "trusted device \(device.id) exists")
        }
        state.trustedDevices[device.id] = device
    }

    func deleteTrustedDevice(id: String) throws(MFAError) -> Bool {
        try ensureWritable()
        return state.trustedDevices.removeValue(forKey: id) != nil
    }

    func revokeTrustedDevices(accountID: String) throws(MFAError) -> Int {
        try ensureWritable()
        let revoked = state.trustedDevices.values.filter { $0.accountID == accountID }.map(\.id)
        for id in revoked { state.trustedDevices[id] = nil }
        return revoked.count
    }

    func deleteTrustedDevices(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        let expired = state.trustedDevices.values.filter { $0.expiresAt <= time }.map(\.id)
        for id in expired { state.trustedDevices[id] = nil }
        return expired.count
    }

    // MARK: - Logs

    func appendSignIn(_ record: StoredSignIn) throws(MFAError) -> StoredSignIn {
        try ensureWritable()
        try StoreRules.validate(record)
        _ = try existingAccount(record.accountID)
        var stored = record
        state.lastSignInSequence += 1
        stored.sequence = state.lastSignInSequence
        state.signIns.append(stored)
        return stored
    }

    func appendAuditEvent(_ event: AuditEvent) throws(MFAError) -> AuditEvent {
        try ensureWritable()
        try StoreRules.validate(event)
        var stored = event
        state.lastAuditSequence += 1
        stored.sequence = state.lastAuditSequence
        state.audit.append(stored)
        return stored
    }
}
