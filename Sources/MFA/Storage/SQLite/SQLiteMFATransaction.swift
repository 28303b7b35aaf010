import OneTimeCodes
import SQLiteStorage
import WebAuthn

/// One transaction of a ``SQLiteMFAStore``, over its connection while the store's mutex is held.
///
/// Operations of several statements run inside a savepoint, so one that fails leaves nothing half-done
/// and the surrounding transaction may go on.
final class SQLiteMFATransaction: MFAStoreTransaction {
    private let db: Connection
    private let writable: Bool
    private var isOpen = true

    init(_ db: Connection, writable: Bool) {
        self.db = db
        self.writable = writable
    }

    func close() { isOpen = false }

    /// The ``MFAError`` for an SQLite failure: uniqueness → alreadyExists, missing parent → notFound, other
    /// constraints → invalidArgument, anything else → storageFailure.
    static func mapped(_ error: SQLiteError) -> MFAError {
        if error.isUniquenessViolation {
            return MFAError(.alreadyExists, error.message)
        }
        if error.resultCode == .constraintForeignKey {
            return MFAError(.notFound, error.message)
        }
        if error.resultCode.primary == .constraint {
            return MFAError(.invalidArgument, error.message)
        }
        return MFAError(.storageFailure, error.description)
    }

    // MARK: - Statement helpers

    private func ensureOpen() throws(MFAError) {
        guard isOpen else { throw MFAError(.transactionEnded, "the store transaction has ended") }
        // Some failures (disk full, I/O errors) make SQLite roll back the whole transaction; every later
        // statement would then commit on its own. Refuse to go on instead.
        guard db.isInTransaction else {
            throw MFAError(.storageFailure, "SQLite rolled the transaction back after an earlier failure")
        }
    }

    private func ensureWritable() throws(MFAError) {
        try ensureOpen()
        guard writable else { throw MFAError(.transactionEnded, "a read transaction cannot write") }
    }

    private func query(_ sql: String, _ arguments: [SQLiteValue], table: String) throws(MFAError) -> [StoredRow] {
        try ensureOpen()
        do {
            return try db.rows(sql, arguments) { (row) throws(SQLiteError) -> StoredRow in
                StoredRow(values: (0..<Int32(row.columnCount)).map { row.value(at: $0) }, table: table)
            }
        } catch {
            throw Self.mapped(error)
        }
    }

    @discardableResult
    private func execute(_ sql: String, _ arguments: [SQLiteValue]) throws(MFAError) -> Int {
        try ensureOpen()
        do {
            return try db.execute(sql, arguments)
        } catch {
            throw Self.mapped(error)
        }
    }

    /// Runs several statements as one: all or none.
    private func atomically<R>(_ body: () throws(MFAError) -> R) throws(MFAError) -> R {
        try ensureOpen()
        return try db.savepoint(mapError: Self.mapped) { (_) throws(MFAError) -> R in try body() }
    }

    private func existingAccount(_ id: String) throws(MFAError) -> MFAAccount {
        guard let account = try account(id: id) else { throw MFAError(.notFound, "no account \(id)") }
        return account
    }

    private func existingMethod(_ id: String) throws(MFAError) -> MFAMethodRecord {
        guard let method = try method(id: id) else { throw MFAError(.notFound, "no method \(id)") }
        return method
    }

    private func touchMethod(_ id: String, at time: Int64) throws(MFAError) {
        try execute("UPDATE method SET updated_at = ? WHERE id = ?", [.integer(time), .text(id)])
    }

    // MARK: - Decoding rows

    private static let accountColumns =
        "SELECT id, created_at, interactive, user_handle, generation, preferred_method_id FROM account"

    private static func account(_ row: StoredRow) throws(MFAError) -> MFAAccount {
        MFAAccount(
            id: try row.text(0), createdAt: try row.integer(1), isInteractive: try row.bool(2),
            userHandle: try row.blob(3), configurationGeneration: try row.integer(4),
            preferredMethodID: try row.optionalText(5))
    }

    private static let methodColumns = """
        SELECT m.id, m.account_id, m.kind, m.name, m.state, m.created_at, m.updated_at,
            t.sealed_secret, t.algorithm, t.digits, t.period, t.last_time_step,
            s.phone, w.record_json, w.sign_count, r.set_json
        FROM method m
        LEFT JOIN totp_secret t ON t.method_id = m.id
        LEFT JOIN sms_number s ON s.method_id = m.id
        LEFT JOIN webauthn_credential w ON w.method_id = m.id
        LEFT JOIN recovery_code_set r ON r.method_id = m.id
        """

    private static func method(_ row: StoredRow) throws(MFAError) -> MFAMethodRecord {
        let id = try row.text(0)
        guard let kind = MFAMethodKind(rawValue: try row.text(2)) else {
            throw MFAError(.corruptRecord, "method \(id) has an unknown kind")
        }
        guard let state = MFAMethodState(rawValue: try row.text(4)) else {
            throw MFAError(.corruptRecord, "method \(id) has an unknown state")
        }
        let details: MFAMethodDetails
        switch kind {
        case .totp:
            guard !row.isNull(7) else { throw MFAError(.corruptRecord, "TOTP method \(id) has no secret row") }
            guard let algorithm = OTPAlgorithm(rawValue: try row.text(8)), let digits = Int(exactly: try row.integer(9))
            else {
                throw MFAError(.corruptRecord, "TOTP method \(id) has an unknown configuration")
            }
            var step: UInt64? = nil
            if let stored = try row.optionalInteger(11) {
                guard let value = UInt64(exactly: stored) else {
                    throw MFAError(.corruptRecord, "TOTP method \(id) has a negative time step")
                }
                step = value
            }
            details = .totp(
                TOTPMethodData(
                    sealedSecret: try row.blob(7),
                    configuration: TOTPConfiguration(algorithm: algorithm, digits: digits, period: try row.integer(10)),
                    lastAcceptedTimeStep: step))
        case .sms:
            guard let text = try row.optionalText(12) else {
                throw MFAError(.corruptRecord, "SMS method \(id) has no number row")
            }
            do {
                details = .sms(try PhoneNumber(text))
            } catch {
                throw MFAError(.corruptRecord, "SMS method \(id) has a stored number that is not E.164")
            }
        case .securityKey:
            guard let json = try row.optionalBlob(13) else {
                throw MFAError(.corruptRecord, "security-key method \(id) has no credential row")
            }
            let record: CredentialRecord
            do {
                record = try CredentialRecord(jsonBytes: json)
            } catch {
                throw MFAError(.corruptRecord, "security-key method \(id) has a credential that does not read back")
            }
            guard Int64(record.signCount) == (try row.integer(14)) else {
                throw MFAError(.corruptRecord, "security-key method \(id) has two different sign counts")
            }
            details = .securityKey(record)
        case .recoveryCodes:
            guard let json = try row.optionalBlob(15) else {
                throw MFAError(.corruptRecord, "recovery-codes method \(id) has no set row")
            }
            details = .recoveryCodes(try StateCoding.decode(RecoveryCodeSet.self, from: json, "recovery code set"))
        }
        return MFAMethodRecord(
            id: id, accountID: try row.text(1), name: try row.text(3), state: state, details: details,
            createdAt: try row.integer(5), updatedAt: try row.integer(6))
    }

    private static let smsChallengeColumns =
        "SELECT challenge_json, account_id, method_id, purpose FROM sms_challenge"

    private static func smsChallenge(_ row: StoredRow) throws(MFAError) -> StoredSMSChallenge {
        StoredSMSChallenge(
            challenge: try StateCoding.decode(SMSChallenge.self, from: try row.blob(0), "SMS challenge"),
            accountID: try row.text(1), methodID: try row.optionalText(2),
            purpose: SMSChallengePurpose(rawValue: try row.text(3)))
    }

    private static let trustedDeviceColumns =
        "SELECT id, account_id, secret_hash, generation, created_at, expires_at FROM trusted_device"

    private static func trustedDevice(_ row: StoredRow) throws(MFAError) -> TrustedDeviceRecord {
        TrustedDeviceRecord(
            id: try row.text(0), accountID: try row.text(1), secretHash: try row.blob(2),
            configurationGeneration: try row.integer(3), createdAt: try row.integer(4), expiresAt: try row.integer(5))
    }

    private static let signInColumns = """
        SELECT seq, account_id, time, device_id, ip_address, latitude, longitude, outcome, method_kind FROM sign_in
        """

    private static func signIn(_ row: StoredRow) throws(MFAError) -> StoredSignIn {
        var location: StoredSignIn.Coordinates? = nil
        if let latitude = try row.optionalReal(5), let longitude = try row.optionalReal(6) {
            location = StoredSignIn.Coordinates(latitude: latitude, longitude: longitude)
        }
        var kind: MFAMethodKind? = nil
        if let text = try row.optionalText(8) {
            guard let parsed = MFAMethodKind(rawValue: text) else {
                throw MFAError(.corruptRecord, "a sign-in names an unknown method kind")
            }
            kind = parsed
        }
        var record = StoredSignIn(
            accountID: try row.text(1), time: try row.integer(2), deviceID: try row.optionalText(3),
            ipAddress: try row.optionalText(4), location: location, outcome: try row.text(7), methodKind: kind)
        record.sequence = try row.integer(0)
        return record
    }

    private static func auditEvent(_ row: StoredRow) throws(MFAError) -> AuditEvent {
        var event = AuditEvent(
            time: try row.integer(1), accountID: try row.optionalText(2), action: try row.text(3),
            detail: try row.text(4))
        event.sequence = try row.integer(0)
        return event
    }

    private static func ceremony(_ row: StoredRow) throws(MFAError) -> StoredCeremonyState {
        let id = try row.text(0)
        let bytes = try row.blob(3)
        let state: WebAuthnCeremonyState
        do {
            switch try row.text(2) {
            case "registration": state = .registration(try RegistrationState(serverStorage: bytes))
            case "authentication": state = .authentication(try AuthenticationState(serverStorage: bytes))
            default: throw MFAError(.corruptRecord, "ceremony state \(id) has an unknown kind")
            }
        } catch let error as MFAError {
            throw error
        } catch {
            throw MFAError(.corruptRecord, "ceremony state \(id) does not read back: \(error)")
        }
        return StoredCeremonyState(
            id: id, accountID: try row.optionalText(1), state: state, createdAt: try row.integer(4))
    }

    // MARK: - Reads

    func account(id: String) throws(MFAError) -> MFAAccount? {
        let rows = try query(Self.accountColumns + " WHERE id = ?", [.text(id)], table: "account")
        return try rows.first.map { (row) throws(MFAError) in try Self.account(row) }
    }

    func account(userHandle: [UInt8]) throws(MFAError) -> MFAAccount? {
        let rows = try query(Self.accountColumns + " WHERE user_handle = ?", [.blob(userHandle)], table: "account")
        return try rows.first.map { (row) throws(MFAError) in try Self.account(row) }
    }

    func accounts() throws(MFAError) -> [MFAAccount] {
        try query(Self.accountColumns + " ORDER BY id", [], table: "account").map { (row) throws(MFAError) in
            try Self.account(row)
        }
    }

    func method(id: String) throws(MFAError) -> MFAMethodRecord? {
        let rows = try query(Self.methodColumns + " WHERE m.id = ?", [.text(id)], table: "method")
        return try rows.first.map { (row) throws(MFAError) in try Self.method(row) }
    }

    func method(credentialID: [UInt8]) throws(MFAError) -> MFAMethodRecord? {
        let rows = try query(
            Self.methodColumns + " WHERE w.credential_id = ?", [.blob(credentialID)], table: "method")
        return try rows.first.map { (row) throws(MFAError) in try Self.method(row) }
    }

    func methods(accountID: String) throws(MFAError) -> [MFAMethodRecord] {
        try query(
            Self.methodColumns + " WHERE m.account_id = ? ORDER BY m.created_at, m.id", [.text(accountID)],
            table: "method"
        ).map { (row) throws(MFAError) in try Self.method(row) }
    }

    func smsChallenge(id: String) throws(MFAError) -> StoredSMSChallenge? {
        let rows = try query(Self.smsChallengeColumns + " WHERE id = ?", [.text(id)], table: "sms_challenge")
        return try rows.first.map { (row) throws(MFAError) in try Self.smsChallenge(row) }
    }

    func smsChallenges(accountID: String) throws(MFAError) -> [StoredSMSChallenge] {
        try query(
            Self.smsChallengeColumns + " WHERE account_id = ? ORDER BY issued_at DESC, id", [.text(accountID)],
            table: "sms_challenge"
        ).map { (row) throws(MFAError) in try Self.smsChallenge(row) }
    }

    func smsSendLedger(phoneNumber: PhoneNumber) throws(MFAError) -> SMSSendLedger {
        let rows = try query(
            "SELECT ledger_json FROM sms_send_ledger WHERE phone = ?", [.text(phoneNumber.e164)],
            table: "sms_send_ledger")
        guard let row = rows.first else { return SMSSendLedger() }
        return try StateCoding.decode(SMSSendLedger.self, from: try row.blob(0), "SMS send ledger")
    }

    func throttleState(accountID: String) throws(MFAError) -> ThrottleState {
        let rows = try query(
            "SELECT state_json FROM throttle_state WHERE account_id = ?", [.text(accountID)], table: "throttle_state")
        guard let row = rows.first else { return ThrottleState() }
        return try StateCoding.decode(ThrottleState.self, from: try row.blob(0), "throttle state")
    }

    func trustedDevice(id: String) throws(MFAError) -> TrustedDeviceRecord? {
        let rows = try query(Self.trustedDeviceColumns + " WHERE id = ?", [.text(id)], table: "trusted_device")
        return try rows.first.map { (row) throws(MFAError) in try Self.trustedDevice(row) }
    }

    func trustedDevices(accountID: String) throws(MFAError) -> [TrustedDeviceRecord] {
        try query(
            Self.trustedDeviceColumns + " WHERE account_id = ? ORDER BY created_at, id", [.text(accountID)],
            table: "trusted_device"
        ).map { (row) throws(MFAError) in try Self.trustedDevice(row) }
    }

    func signIns(accountID: String, limit: Int) throws(MFAError) -> [StoredSignIn] {
        try StoreRules.requireLimit(limit)
        return try query(
            Self.signInColumns + " WHERE account_id = ? ORDER BY time DESC, seq DESC LIMIT ?",
            [.text(accountID), .integer(Int64(limit))], table: "sign_in"
        ).map { (row) throws(MFAError) in try Self.signIn(row) }
    }

    func hasSignIn(accountID: String, deviceID: String) throws(MFAError) -> Bool {
        !(try query(
            "SELECT 1 FROM sign_in WHERE account_id = ? AND device_id = ? LIMIT 1", [.text(accountID), .text(deviceID)],
            table: "sign_in")
        .isEmpty)
    }

    func auditEvents(accountID: String?, after sequence: Int64, limit: Int) throws(MFAError) -> [AuditEvent] {
        try StoreRules.requireLimit(limit)
        let columns = "SELECT seq, time, account_id, action, detail FROM audit_log"
        let rows: [StoredRow]
        if let accountID {
            rows = try query(
                columns + " WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                [.text(accountID), .integer(sequence), .integer(Int64(limit))], table: "audit_log")
        } else {
            rows = try query(
                columns + " WHERE seq > ? ORDER BY seq LIMIT ?", [.integer(sequence), .integer(Int64(limit))],
                table: "audit_log")
        }
        return try rows.map { (row) throws(MFAError) in try Self.auditEvent(row) }
    }

    // MARK: - Accounts

    func insertAccount(_ account: MFAAccount) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(account)
        guard try self.account(id: account.id) == nil else {
            throw MFAError(.alreadyExists, "account \(account.id) exists")
        }
        guard try self.account(userHandle: account.userHandle) == nil else {
            throw MFAError(.alreadyExists, "the user handle belongs to another account")
        }
        try execute(
            "INSERT INTO account (id, created_at, interactive, user_handle, generation, preferred_method_id) "
                + "VALUES (?, ?, ?, ?, 0, NULL)",
            [.text(account.id), .integer(account.createdAt), .bool(account.isInteractive), .blob(account.userHandle)])
    }

    func setInteractive(accountID: String, _ isInteractive: Bool) throws(MFAError) {
        try ensureWritable()
        let changed = try execute(
            "UPDATE account SET interactive = ? WHERE id = ?", [.bool(isInteractive), .text(accountID)])
        guard changed == 1 else { throw MFAError(.notFound, "no account \(accountID)") }
    }

    func setPreferredMethod(accountID: String, methodID: String?) throws(MFAError) {
        try ensureWritable()
        _ = try existingAccount(accountID)
        if let methodID {
            let method = try existingMethod(methodID)
            guard method.accountID == accountID else {
                throw MFAError(.invalidArgument, "method \(methodID) belongs to another account")
            }
            try StoreRules.requireLive(method)
        }
        try execute(
            "UPDATE account SET preferred_method_id = ? WHERE id = ?", [.text(methodID), .text(accountID)])
    }

    func bumpConfigurationGeneration(accountID: String) throws(MFAError) -> Int64 {
        try ensureWritable()
        let rows = try query(
            "UPDATE account SET generation = generation + 1 WHERE id = ? RETURNING generation", [.text(accountID)],
            table: "account")
        guard let row = rows.first else { throw MFAError(.notFound, "no account \(accountID)") }
        return try row.integer(0)
    }

    // MARK: - Methods

    func insertMethod(_ method: MFAMethodRecord) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(method)
        _ = try existingAccount(method.accountID)
        guard try self.method(id: method.id) == nil else {
            throw MFAError(.alreadyExists, "method \(method.id) exists")
        }
        if case .securityKey(let record) = method.details, try self.method(credentialID: record.id) != nil {
            throw MFAError(.alreadyExists, "the credential ID is registered already")
        }
        let detailSQL: String
        let detailArguments: [SQLiteValue]
        switch method.details {
        case .totp(let data):
            detailSQL =
                "INSERT INTO totp_secret (method_id, sealed_secret, algorithm, digits, period, last_time_step) "
                + "VALUES (?, ?, ?, ?, ?, ?)"
            detailArguments = [
                .text(method.id), .blob(data.sealedSecret), .text(data.configuration.algorithm.rawValue),
                .integer(Int64(data.configuration.digits)), .integer(data.configuration.period),
                .integer(try data.lastAcceptedTimeStep.map { (step) throws(MFAError) in
                    try StoreRules.storedTimeStep(step)
                }),
            ]
        case .sms(let phoneNumber):
            detailSQL = "INSERT INTO sms_number (method_id, phone) VALUES (?, ?)"
            detailArguments = [.text(method.id), .text(phoneNumber.e164)]
        case .securityKey(let record):
            detailSQL =
                "INSERT INTO webauthn_credential (credential_id, method_id, sign_count, record_json) VALUES (?, ?, ?, ?)"
            detailArguments = [
                .blob(record.id), .text(method.id), .integer(Int64(record.signCount)), .blob(record.jsonBytes()),
            ]
        case .recoveryCodes(let set):
            detailSQL = "INSERT INTO recovery_code_set (method_id, set_json) VALUES (?, ?)"
            detailArguments = [.text(method.id), .blob(try StateCoding.encode(set, "recovery code set"))]
        }
        try atomically { () throws(MFAError) in
            try execute(
                "INSERT INTO method (id, account_id, kind, name, state, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(method.id), .text(method.accountID), .text(method.kind.rawValue), .text(method.name),
                    .text(method.state.rawValue), .integer(method.createdAt), .integer(method.createdAt),
                ])
            try execute(detailSQL, detailArguments)
        }
    }

    func setMethodState(id: String, to next: MFAMethodState, at time: Int64) throws(MFAError) -> MFAMethodRecord {
        try ensureWritable()
        var method = try existingMethod(id)
        try StoreRules.transition(method, to: next)
        try atomically { () throws(MFAError) in
            try execute(
                "UPDATE method SET state = ?, updated_at = ? WHERE id = ?",
                [.text(next.rawValue), .integer(time), .text(id)])
            if next == .removed {
                try execute(
                    "UPDATE account SET preferred_method_id = NULL WHERE id = ? AND preferred_method_id = ?",
                    [.text(method.accountID), .text(id)])
            }
        }
        method.state = next
        method.updatedAt = time
        return method
    }

    func renameMethod(id: String, to name: String, at time: Int64) throws(MFAError) {
        try ensureWritable()
        let method = try existingMethod(id)
        try StoreRules.requireLive(method)
        try execute("UPDATE method SET name = ?, updated_at = ? WHERE id = ?", [.text(name), .integer(time), .text(id)])
    }

    func advanceTOTPTimeStep(methodID: String, to step: UInt64, at time: Int64) throws(MFAError) -> Bool {
        try ensureWritable()
        let method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .totp)
        try StoreRules.requireLive(method)
        let stored = try StoreRules.storedTimeStep(step)
        return try atomically { () throws(MFAError) -> Bool in
            // Compare-and-set: only a later step replaces the stored one.
            let changed = try execute(
                "UPDATE totp_secret SET last_time_step = ? "
                    + "WHERE method_id = ? AND (last_time_step IS NULL OR last_time_step < ?)",
                [.integer(stored), .text(methodID), .integer(stored)])
            guard changed == 1 else { return false }
            try touchMethod(methodID, at: time)
            return true
        }
    }

    func replaceSMSPhoneNumber(methodID: String, with phoneNumber: PhoneNumber, at time: Int64) throws(MFAError) {
        try ensureWritable()
        let method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .sms)
        try StoreRules.requireLive(method)
        try atomically { () throws(MFAError) in
            try execute("UPDATE sms_number SET phone = ? WHERE method_id = ?", [.text(phoneNumber.e164), .text(methodID)])
            try touchMethod(methodID, at: time)
        }
    }

    func replaceRecoveryCodeSet(methodID: String, with set: RecoveryCodeSet, at time: Int64) throws(MFAError) {
        try ensureWritable()
        let method = try existingMethod(methodID)
        try StoreRules.requireKind(method, .recoveryCodes)
        try StoreRules.requireLive(method)
        let json = try StateCoding.encode(set, "recovery code set")
        try atomically { () throws(MFAError) in
            try execute("UPDATE recovery_code_set SET set_json = ? WHERE method_id = ?", [.blob(json), .text(methodID)])
            try touchMethod(methodID, at: time)
        }
    }

    func updateCredential(_ record: CredentialRecord, expectedSignCount: UInt32, at time: Int64) throws(MFAError)
        -> Bool
    {
        try ensureWritable()
        guard let method = try method(credentialID: record.id) else {
            throw MFAError(.notFound, "no security key with that credential ID")
        }
        try StoreRules.requireLive(method)
        return try atomically { () throws(MFAError) -> Bool in
            // Compare-and-set on the stored counter.
            let changed = try execute(
                "UPDATE webauthn_credential SET sign_count = ?, record_json = ? "
                    + "WHERE credential_id = ? AND sign_count = ?",
                [
                    .integer(Int64(record.signCount)), .blob(record.jsonBytes()), .blob(record.id),
                    .integer(Int64(expectedSignCount)),
                ])
            guard changed == 1 else { return false }
            try touchMethod(method.id, at: time)
            return true
        }
    }

    // MARK: - SMS

    func insertSMSChallenge(_ challenge: StoredSMSChallenge) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(challenge)
        _ = try existingAccount(challenge.accountID)
        if let methodID = challenge.methodID {
            try StoreRules.validate(challenge, method: try existingMethod(methodID))
        }
        guard try smsChallenge(id: challenge.id) == nil else {
            throw MFAError(.alreadyExists, "SMS challenge \(challenge.id) exists")
        }
        try execute(
            "INSERT INTO sms_challenge (id, account_id, method_id, purpose, issued_at, expires_at, challenge_json) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(challenge.id), .text(challenge.accountID), .text(challenge.methodID),
                .text(challenge.purpose.rawValue), .integer(challenge.challenge.issuedAt),
                .integer(challenge.challenge.expiresAt), .blob(try StateCoding.encode(challenge.challenge, "SMS challenge")),
            ])
    }

    func updateSMSChallenge(_ challenge: SMSChallenge) throws(MFAError) {
        try ensureWritable()
        let changed = try execute(
            "UPDATE sms_challenge SET challenge_json = ? WHERE id = ?",
            [.blob(try StateCoding.encode(challenge, "SMS challenge")), .text(challenge.id)])
        guard changed == 1 else { throw MFAError(.notFound, "no SMS challenge \(challenge.id)") }
    }

    func deleteSMSChallenges(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        return try execute("DELETE FROM sms_challenge WHERE expires_at <= ?", [.integer(time)])
    }

    func saveSMSSendLedger(_ ledger: SMSSendLedger, phoneNumber: PhoneNumber) throws(MFAError) {
        try ensureWritable()
        try execute(
            "INSERT INTO sms_send_ledger (phone, ledger_json) VALUES (?, ?) "
                + "ON CONFLICT (phone) DO UPDATE SET ledger_json = excluded.ledger_json",
            [.text(phoneNumber.e164), .blob(try StateCoding.encode(ledger, "SMS send ledger"))])
    }

    // MARK: - Ceremonies

    func insertCeremonyState(_ ceremony: StoredCeremonyState) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(ceremony)
        if let accountID = ceremony.accountID { _ = try existingAccount(accountID) }
        let kind: String
        let bytes: [UInt8]
        switch ceremony.state {
        case .registration(let state):
            kind = "registration"
            bytes = state.serializedForServerStorage()
        case .authentication(let state):
            kind = "authentication"
            bytes = state.serializedForServerStorage()
        }
        guard try query("SELECT 1 FROM ceremony_state WHERE id = ?", [.text(ceremony.id)], table: "ceremony_state")
            .isEmpty
        else {
            throw MFAError(.alreadyExists, "ceremony state \(ceremony.id) exists")
        }
        try execute(
            "INSERT INTO ceremony_state (id, account_id, kind, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(ceremony.id), .text(ceremony.accountID), .text(kind), .blob(bytes), .integer(ceremony.createdAt),
                .integer(ceremony.expiresAt),
            ])
    }

    func consumeCeremonyState(id: String) throws(MFAError) -> StoredCeremonyState? {
        try ensureWritable()
        // Delete-returning: the row is read and gone in one statement.
        let rows = try query(
            "DELETE FROM ceremony_state WHERE id = ? RETURNING id, account_id, kind, state, created_at", [.text(id)],
            table: "ceremony_state")
        return try rows.first.map { (row) throws(MFAError) in try Self.ceremony(row) }
    }

    func deleteCeremonyStates(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        return try execute("DELETE FROM ceremony_state WHERE expires_at <= ?", [.integer(time)])
    }

    // MARK: - Throttling

    func saveThrottleState(_ state: ThrottleState, accountID: String) throws(MFAError) {
        try ensureWritable()
        _ = try existingAccount(accountID)
        try execute(
            "INSERT INTO throttle_state (account_id, state_json) VALUES (?, ?) "
                + "ON CONFLICT (account_id) DO UPDATE SET state_json = excluded.state_json",
            [.text(accountID), .blob(try StateCoding.encode(state, "throttle state"))])
    }

    // MARK: - Trusted devices

    func insertTrustedDevice(_ device: TrustedDeviceRecord) throws(MFAError) {
        try ensureWritable()
        try StoreRules.validate(device)
        _ = try existingAccount(device.accountID)
        guard try trustedDevice(id: device.id) == nil else {
            throw MFAError(.alreadyExists, "trusted device \(device.id) exists")
        }
        try execute(
            "INSERT INTO trusted_device (id, account_id, secret_hash, generation, created_at, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(device.id), .text(device.accountID), .blob(device.secretHash),
                .integer(device.configurationGeneration), .integer(device.createdAt), .integer(device.expiresAt),
            ])
    }

    func deleteTrustedDevice(id: String) throws(MFAError) -> Bool {
        try ensureWritable()
        return try execute("DELETE FROM trusted_device WHERE id = ?", [.text(id)]) == 1
    }

    func revokeTrustedDevices(accountID: String) throws(MFAError) -> Int {
        try ensureWritable()
        return try execute("DELETE FROM trusted_device WHERE account_id = ?", [.text(accountID)])
    }

    func deleteTrustedDevices(expiredAt time: Int64) throws(MFAError) -> Int {
        try ensureWritable()
        return try execute("DELETE FROM trusted_device WHERE expires_at <= ?", [.integer(time)])
    }

    // MARK: - Logs

    func appendSignIn(_ record: StoredSignIn) throws(MFAError) -> StoredSignIn {
        try ensureWritable()
        try StoreRules.validate(record)
        _ = try existingAccount(record.accountID)
        let rows = try query(
            "INSERT INTO sign_in (account_id, time, device_id, ip_address, latitude, longitude, outcome, method_kind) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            [
                .text(record.accountID), .integer(record.time), .text(record.deviceID), .text(record.ipAddress),
                .real(record.location?.latitude), .real(record.location?.longitude), .text(record.outcome),
                .text(record.methodKind?.rawValue),
            ], table: "sign_in")
        guard let row = rows.first else { throw MFAError(.storageFailure, "the sign-in insert returned no row") }
        var stored = record
        stored.sequence = try row.integer(0)
        return stored
    }

    func appendAuditEvent(_ event: AuditEvent) throws(MFAError) -> AuditEvent {
        try ensureWritable()
        try StoreRules.validate(event)
        let rows = try query(
            "INSERT INTO audit_log (time, account_id, action, detail) VALUES (?, ?, ?, ?) RETURNING seq",
            [.integer(event.time), .text(event.accountID), .text(event.action), .text(event.detail)],
            table: "audit_log")
        guard let row = rows.first else { throw MFAError(.storageFailure, "the audit insert returned no row") }
        var stored = event
        stored.sequence = try row.integer(0)
        return stored
    }
}
