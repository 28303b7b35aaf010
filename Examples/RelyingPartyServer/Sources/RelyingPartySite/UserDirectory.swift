import Logging
import HTTPTypes
import CRPSQLite
import Foundation
import OneTimeCodes
import Synchronization

/// The site's own accounts: user name, password hash, optional mobile number and the password throttle.
///
/// The table `site_users` lives in the same SQLite file as the MFA registry's store, so one file holds all of
/// the server's state. The MFA store owns its own tables and never touches this one.
final class UserDirectory: Sendable {
    struct User: Sendable {
        let username: String
        let passwordHash: String
        let phoneNumber: String?
        let createdAt: Int64
        var throttle: ThrottleState
    }

    private let connection: Mutex<OpaquePointerBox>

    /// Owns the `sqlite3*`; closed in `deinit`.
    private final class OpaquePointerBox: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { sqlite3_close_v2(handle) }
    }

    init(path: String) throws(APIError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close_v2(handle) }
            throw Self.failure("cannot open \(path)")
        }
        let box = OpaquePointerBox(handle)
        sqlite3_busy_timeout(handle, 10_000)
        let schema = """
            CREATE TABLE IF NOT EXISTS site_users (
                username TEXT PRIMARY KEY NOT NULL,
                password_hash TEXT NOT NULL,
                phone_number TEXT,
                created_at INTEGER NOT NULL,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                last_failure_at INTEGER
            ) STRICT
            """
        guard sqlite3_exec(handle, schema, nil, nil, nil) == SQLITE_OK else {
            throw Self.failure("cannot create site_users: \(String(cString: sqlite3_errmsg(handle)))")
        }
        connection = Mutex(box)
    }

    /// Adds a user; `false` when the name is taken.
    func insert(username: String, passwordHash: String, phoneNumber: String?, at now: Int64) throws(APIError) -> Bool {
        let sql = "INSERT OR IGNORE INTO site_users (username, password_hash, phone_number, created_at) VALUES (?, ?, ?, ?)"
        return try run(sql, [.text(username), .text(passwordHash), phoneNumber.map { .text($0) } ?? .null, .int(now)])
            == 1
    }

    /// Deletes a user (undoes a sign-up whose registry account could not be created).
    func delete(username: String) throws(APIError) {
        _ = try run("DELETE FROM site_users WHERE username = ?", [.text(username)])
    }

    /// The user `username`, or nil.
    func user(_ username: String) throws(APIError) -> User? {
        let sql = """
            SELECT username, password_hash, phone_number, created_at, consecutive_failures, last_failure_at
            FROM site_users WHERE username = ?
            """
        return try connection.withLock { (box) throws(APIError) -> User? in
            let statement = try prepare(box.handle, sql, [.text(username)])
            defer { sqlite3_finalize(statement) }
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                let phone = sqlite3_column_type(statement, 2) == SQLITE_NULL ? nil : text(statement, 2)
                let failures = Int(sqlite3_column_int64(statement, 4))
                let lastFailure =
                    sqlite3_column_type(statement, 5) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 5)
                return User(
                    username: text(statement, 0), passwordHash: text(statement, 1), phoneNumber: phone,
                    createdAt: sqlite3_column_int64(statement, 3),
                    throttle: Self.throttle(failures: failures, lastFailureAt: lastFailure))
            case SQLITE_DONE:
                return nil
            default:
                throw Self.failure("select failed: \(String(cString: sqlite3_errmsg(box.handle)))")
            }
        }
    }

    /// Stores the password throttle of `username`.
    func saveThrottle(_ state: ThrottleState, username: String) throws(APIError) {
        let sql = "UPDATE site_users SET consecutive_failures = ?, last_failure_at = ? WHERE username = ?"
        _ = try run(
            sql,
            [.int(Int64(state.consecutiveFailures)), state.lastFailureAt.map { .int($0) } ?? .null, .text(username)])
    }

    /// Updates the mobile number on file (after a confirmed change).
    func setPhoneNumber(_ phone: String?, username: String) throws(APIError) {
        _ = try run(
            "UPDATE site_users SET phone_number = ? WHERE username = ?", [phone.map { .text($0) } ?? .null, .text(username)])
    }

    /// A throttle state from its stored columns; a pair that does not agree (a hand-edited row) reads as clean.
    private static func throttle(failures: Int, lastFailureAt: Int64?) -> ThrottleState {
        (try? ThrottleState(consecutiveFailures: failures, lastFailureAt: lastFailureAt)) ?? ThrottleState()
    }

    // MARK: - SQLite plumbing

    private enum Binding { case text(String), int(Int64), null }

    private func run(_ sql: String, _ bindings: [Binding]) throws(APIError) -> Int {
        try connection.withLock { (box) throws(APIError) -> Int in
            let statement = try prepare(box.handle, sql, bindings)
            defer { sqlite3_finalize(statement) }
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw Self.failure("statement failed: \(String(cString: sqlite3_errmsg(box.handle)))")
            }
            return Int(sqlite3_changes(box.handle))
        }
    }

    private func prepare(_ handle: OpaquePointer, _ sql: String, _ bindings: [Binding]) throws(APIError)
        -> OpaquePointer
    {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw Self.failure("prepare failed: \(String(cString: sqlite3_errmsg(handle)))")
        }
        for (offset, binding) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch binding {
            case .text(let value): status = sqlite3_bind_text(statement, index, value, -1, CRPSQLite_transient())
            case .int(let value): status = sqlite3_bind_int64(statement, index, value)
            case .null: status = sqlite3_bind_null(statement, index)
            }
            guard status == SQLITE_OK else {
                sqlite3_finalize(statement)
                throw Self.failure("bind failed")
            }
        }
        return statement
    }

    private func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }

    private static func failure(_ reason: String) -> APIError {
        SiteLog.logger.error("user directory: \(reason)")
        return APIError(.internalServerError, "storage-failure", "Something went wrong. Try again.")
    }
}
