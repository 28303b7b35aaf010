import Foundation
import MFA
import OneTimeCodes
import SQLiteStorage
import Synchronization
import Testing

@Suite("SQLiteMFAStore: the file, its schema and several connections")
struct SQLiteMFAStoreTests {
    @Test("Data survives closing and reopening the file, and the schema is at version 1 in WAL mode")
    func reopenKeepsData() throws {
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mfa.sqlite"
        let method = try StoreSamples.totpMethod("totp", account: "alice")
        do {
            let store = try SQLiteMFAStore(path: path)
            try store.testWrite { (tx) throws in
                try tx.insertAccount(StoreSamples.account("alice"))
                try tx.insertMethod(method)
                try tx.appendAuditEvent(AuditEvent(time: 1, accountID: "alice", action: "method-added", detail: "totp"))
            }
        }
        let reopened = try SQLiteMFAStore(path: path)
        try reopened.testRead { (tx) throws in
            #expect(try tx.method(id: "totp") == method)
            #expect(try tx.auditEvents(accountID: nil, after: 0, limit: 5).map(\.action) == ["method-added"])
        }
        #expect(SQLiteMFAStore.schemaVersion == 1)
        let connection = try Connection(path: path)
        #expect(try connection.userVersion() == 1)
        #expect(try connection.firstRow("PRAGMA journal_mode") { $0.string(at: 0) } == "wal")
        #expect(try reopened.consistencyProblems().isEmpty)
    }

    @Test("The audit log refuses UPDATE and DELETE even through raw SQL")
    func auditLogIsAppendOnly() throws {
        let fixture = try StoreFixture(.sqlite)
        try fixture.store.testWrite { (tx) throws in
            try tx.appendAuditEvent(AuditEvent(time: 1, accountID: nil, action: "reset", detail: "by admin"))
        }
        let connection = try Connection(path: try #require(fixture.directory) + "/mfa.sqlite")
        for sql in ["UPDATE audit_log SET detail = 'nothing happened'", "DELETE FROM audit_log"] {
            let error = #expect(throws: SQLiteError.self) { try connection.execute(sql) }
            #expect(error?.resultCode == .constraintTrigger, "\(sql)")
        }
        #expect(try connection.firstRow("SELECT detail FROM audit_log") { $0.string(at: 0) } == "by admin")
    }

    @Test("The database file holds no TOTP secret, SMS code or recovery code in the clear")
    func noSecretsInTheFile() throws {
        let fixture = try StoreFixture(.sqlite)
        let directory = try #require(fixture.directory)
        let secret = OTPSecret.generate()
        let sealed = try StoreSamples.secretKey.seal(
            secret, associatedData: SecretEncryptionKey.associatedData(accountID: "alice", methodID: "totp"))
        let (codes, recovery) = StoreSamples.recoveryMethod("rc", account: "alice")
        var ledger = SMSSendLedger()
        let phone = try PhoneNumber("+447700900123")
        let sms = try SMSCodeIssuer(key: StoreSamples.codeKey).issue(to: phone, ledger: &ledger, at: StoreSamples.now)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(
                MFAMethodRecord(id: "totp", accountID: "alice", name: "app",
                                details: .totp(TOTPMethodData(sealedSecret: sealed, configuration: .default)), createdAt: 1))
            try tx.insertMethod(recovery)
            try tx.insertSMSChallenge(StoredSMSChallenge(challenge: sms.challenge, accountID: "alice", methodID: nil, purpose: .signIn))
        }
        // Checkpoint the log into the main file so one read sees everything written.
        let connection = try Connection(path: directory + "/mfa.sqlite")
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        var bytes = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            bytes += try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        func contains(_ needle: [UInt8]) -> Bool { bytes.range(of: Data(needle)) != nil }
        #expect(contains(sealed), "the sealed secret itself is stored")
        #expect(!contains(secret.bytes))
        #expect(!contains(Array(secret.base32.utf8)))
        for code in codes {
            #expect(!contains(Array(code.utf8)))
            #expect(!contains(Array(code.replacingOccurrences(of: "-", with: "").utf8)))
        }
        #expect(!contains(Array("\"\(sms.code)\"".utf8)))
    }

    @Test("Two store objects on one file race for one SMS code: exactly one entry is accepted")
    func twoConnectionsRace() async throws {
        let fixture = try StoreFixture(.sqlite)
        let path = try #require(fixture.directory) + "/mfa.sqlite"
        let stores: [any MFARegistryStore] = [fixture.store, try SQLiteMFAStore(path: path), try SQLiteMFAStore(path: path)]
        var ledger = SMSSendLedger()
        let phone = try PhoneNumber("+447700900123")
        let issued = try SMSCodeIssuer(key: StoreSamples.codeKey).issue(to: phone, ledger: &ledger, at: StoreSamples.now)
        try fixture.store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertSMSChallenge(StoredSMSChallenge(challenge: issued.challenge, accountID: "alice", methodID: nil, purpose: .signIn))
        }
        let id = issued.challenge.id
        let code = issued.code
        let counter = RaceCounter()
        let wins = try await raceCount(30) {
            let store = stores[counter.next() % stores.count]
            return try store.testWrite { (tx) throws -> Bool in
                guard var stored = try tx.smsChallenge(id: id) else { return false }
                let accepted = (try? stored.challenge.verify(code, key: StoreSamples.codeKey, at: StoreSamples.now + 5)) != nil
                try tx.updateSMSChallenge(stored.challenge)
                return accepted
            }
        }
        #expect(wins == 1)
    }

    @Test("A row damaged behind the store's back reads as corruptRecord, and the consistency check names it")
    func damagedRowsAreReported() throws {
        let fixture = try StoreFixture(.sqlite)
        let store = try #require(fixture.store as? SQLiteMFAStore)
        try store.testWrite { (tx) throws in
            try tx.insertAccount(StoreSamples.account("alice"))
            try tx.insertMethod(try StoreSamples.smsMethod("sms", account: "alice"))
            try tx.insertMethod(try StoreSamples.totpMethod("totp", account: "alice"))
        }
        let connection = try Connection(path: store.path, options: .init(foreignKeys: false))
        try connection.execute("UPDATE sms_number SET phone = 'not a number'")
        try connection.execute("DELETE FROM totp_secret")
        for id in ["sms", "totp"] {
            let error = #expect(throws: MFAError.self) { _ = try store.testRead { (tx) throws in try tx.method(id: id) } }
            #expect(error?.code == .corruptRecord, "\(id)")
        }
        let problems = try store.consistencyProblems()
        #expect(problems == ["method totp (totp) has no details"])
    }

    @Test("A database written by a newer schema version is refused at open")
    func newerSchemaRefused() throws {
        let directory = try StoreFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mfa.sqlite"
        try Connection(path: path).setUserVersion(SQLiteMFAStore.schemaVersion + 1)
        let error = #expect(throws: MFAError.self) { _ = try SQLiteMFAStore(path: path) }
        #expect(error?.code == .storageFailure)
    }
}

/// Hands out 0, 1, 2, … to concurrent callers.
final class RaceCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}
