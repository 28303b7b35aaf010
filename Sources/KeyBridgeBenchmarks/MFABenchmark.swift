import Foundation
import MFA
import OneTimeCodes
import SQLiteStorage
import WebAuthn

/// Issue 4's registry rows: sign-in decisions per second on the SQLite store, beside SQLite's own rate of one-row
/// write transactions with the same durability settings (WAL, synchronous=FULL), measured in the same run. Every
/// decision is one write transaction: it reads the account, methods, trusted device and history, and appends the
/// sign-in and its audit event.
enum MFABenchmark {
    static let section = "MFA registry on SQLite (WAL, synchronous=FULL): signIn(account, context)"
    static let referenceName = "SQLite: one-row INSERT write transaction, same settings (reference)"
    static let accounts = 200

    /// A fresh folder for one row's database.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func referenceRate(_ duration: Duration) throws -> Double {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try Connection(path: folder.appendingPathComponent("reference.db").path)
        try connection.executeScript("CREATE TABLE events (id INTEGER PRIMARY KEY, account TEXT, detail TEXT)")
        var index = 0
        func insert() throws(SQLiteError) {
            index += 1
            try connection.transaction { (db) throws(SQLiteError) in
                _ = try db.execute(
                    "INSERT INTO events (account, detail) VALUES (?, ?)",
                    [.text("account-\(index % accounts)"), .text("sign-in decision \(index)")])
            }
        }
        // As many commits as the registry fixture makes before its rows are measured, so that both files are past
        // the write-ahead log's growth (the first commits extend the file, which costs extra syncs).
        for _ in 0..<(accounts * 6) { try insert() }
        return try RateMeter.rate(for: duration) { try insert() }
    }

    /// A registry whose accounts each have an active authenticator app and one trusted device.
    struct Fixture {
        let registry: MFAMethodRegistry
        let tokens: [String]
        let folder: URL
    }

    static func fixture() async throws -> Fixture {
        let folder = try folder()
        let database = folder.appendingPathComponent("mfa.db").path
        let keyFile = folder.appendingPathComponent("mfa.key").path
        _ = try MFAServerKeys.createKeyFile(atPath: keyFile)
        let now: Int64 = 1_800_000_000
        let registry = try MFAMethodRegistry(
            databasePath: database, keyFile: keyFile, smsOutboxPath: folder.appendingPathComponent("sms.jsonl").path,
            notificationOutboxPath: folder.appendingPathComponent("notices.jsonl").path, clock: { now })
        var tokens: [String] = []
        for index in 0..<accounts {
            let account = "user-\(index)"
            _ = try registry.createAccount(id: account)
            let enrollment = try registry.beginTOTPEnrollment(accountID: account)
            let totp = try TOTP(secret: enrollment.uri.secret)
            _ = try await registry.confirmTOTPEnrollment(
                accountID: account, methodID: enrollment.methodID, code: try totp.code(at: now))
            let completion = try await registry.completeSignIn(
                accountID: account, proof: .totp(code: try totp.code(at: now + 30)),
                context: SignInContext(time: now + 30), rememberDevice: true)
            guard let token = completion.trustedDeviceToken else { throw BenchmarkFailure("no trusted-device token") }
            tokens.append(token)
        }
        return Fixture(registry: registry, tokens: tokens, folder: folder)
    }

    /// Decisions per second: with the device's trusted token (allow), or without one (challenge).
    static func decisionsPerSecond(_ duration: Duration, trusted: Bool) throws -> Double {
        let fixture: Fixture = try DeviceBenchmark.blocking { try await Self.fixture() }
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        var index = 0
        return try RateMeter.rate(for: duration) {
            index += 1
            let slot = index % accounts
            let context = SignInContext(deviceToken: trusted ? fixture.tokens[slot] : nil)
            let decision = try fixture.registry.signIn(accountID: "user-\(slot)", context: context)
            switch (decision, trusted) {
            case (.allow(.trustedDevice), true), (.challenge, false): break
            default: throw BenchmarkFailure("unexpected decision \(decision.outcome) for user-\(slot)")
            }
        }
    }
}
