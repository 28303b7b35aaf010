internal import CSQLite3

/// A failure reported by SQLite, or a misuse of this wrapper, with the statement that caused it.
///
/// Modelled on GRDB's `DatabaseError`: ``resultCode`` is the *extended* result code
/// (`SQLITE_CONSTRAINT_UNIQUE`, not just `SQLITE_CONSTRAINT`), ``message`` is SQLite's own text, and
/// ``sql`` the statement, when there was one. Every C failure becomes one of these in a single place,
/// `SQLiteError.fromConnection(_:resultCode:sql:)`.
package struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An SQLite result code, primary (`SQLITE_BUSY`) or extended (`SQLITE_BUSY_SNAPSHOT`).
    package struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The C value.
        package let rawValue: Int32

        /// A code with the C value `rawValue`.
        package init(rawValue: Int32) { self.rawValue = rawValue }

        /// The primary code: the low eight bits of an extended code.
        package var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }

        /// `SQLITE_ERROR`: a generic error, also used by this wrapper for misuse it detects itself.
        package static let error = ResultCode(rawValue: 1)
        /// `SQLITE_INTERNAL`.
        package static let `internal` = ResultCode(rawValue: 2)
        /// `SQLITE_ABORT`.
        package static let abort = ResultCode(rawValue: 4)
        /// `SQLITE_BUSY`: another connection holds a conflicting lock past the busy timeout.
        package static let busy = ResultCode(rawValue: 5)
        /// `SQLITE_LOCKED`.
        package static let locked = ResultCode(rawValue: 6)
        /// `SQLITE_NOMEM`.
        package static let noMemory = ResultCode(rawValue: 7)
        /// `SQLITE_READONLY`.
        package static let readOnly = ResultCode(rawValue: 8)
        /// `SQLITE_IOERR`.
        package static let ioError = ResultCode(rawValue: 10)
        /// `SQLITE_CORRUPT`.
        package static let corrupt = ResultCode(rawValue: 11)
        /// `SQLITE_FULL`.
        package static let full = ResultCode(rawValue: 13)
        /// `SQLITE_CANTOPEN`.
        package static let cannotOpen = ResultCode(rawValue: 14)
        /// `SQLITE_CONSTRAINT`: any constraint violation; see the extended codes below.
        package static let constraint = ResultCode(rawValue: 19)
        /// `SQLITE_MISMATCH`.
        package static let mismatch = ResultCode(rawValue: 20)
        /// `SQLITE_MISUSE`.
        package static let misuse = ResultCode(rawValue: 21)
        /// `SQLITE_RANGE`: a bind index out of range.
        package static let range = ResultCode(rawValue: 25)
        /// `SQLITE_NOTADB`.
        package static let notADatabase = ResultCode(rawValue: 26)
        /// `SQLITE_CONSTRAINT_CHECK`.
        package static let constraintCheck = ResultCode(rawValue: 275)
        /// `SQLITE_CONSTRAINT_FOREIGNKEY`.
        package static let constraintForeignKey = ResultCode(rawValue: 787)
        /// `SQLITE_CONSTRAINT_NOTNULL`.
        package static let constraintNotNull = ResultCode(rawValue: 1299)
        /// `SQLITE_CONSTRAINT_PRIMARYKEY`.
        package static let constraintPrimaryKey = ResultCode(rawValue: 1555)
        /// `SQLITE_CONSTRAINT_TRIGGER`: a trigger called `RAISE(ABORT, …)`.
        package static let constraintTrigger = ResultCode(rawValue: 1811)
        /// `SQLITE_CONSTRAINT_UNIQUE`.
        package static let constraintUnique = ResultCode(rawValue: 2067)

        /// SQLite's English name for the code (`sqlite3_errstr`).
        package var description: String {
            guard let text = sqlite3_errstr(rawValue) else { return "SQLite result \(rawValue)" }
            return "\(String(cString: text)) (\(rawValue))"
        }
    }

    /// The extended result code.
    package let resultCode: ResultCode
    /// SQLite's message (`sqlite3_errmsg`), or this wrapper's for a misuse it detected.
    package let message: String
    /// The statement that failed, when there was one.
    package let sql: String?

    /// An error from explicit values.
    ///
    /// - Parameters:
    ///   - resultCode: The extended result code.
    ///   - message: What went wrong.
    ///   - sql: The statement involved, if any.
    package init(resultCode: ResultCode, message: String, sql: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
    }

    /// Whether this is a violation of a `UNIQUE` or `PRIMARY KEY` constraint.
    package var isUniquenessViolation: Bool {
        resultCode == .constraintUnique || resultCode == .constraintPrimaryKey
    }

    /// `message (code) in: sql`.
    package var description: String {
        var text = "SQLite error \(resultCode.rawValue): \(message)"
        if let sql { text += " (SQL: \(sql))" }
        return text
    }
}

// MARK: - The one mapping from C

extension SQLiteError {
    /// The error for a call on `connection` that returned `resultCode`.
    ///
    /// The single place where a C result becomes a Swift error. It reads `sqlite3_extended_errcode` and
    /// `sqlite3_errmsg` when they describe this failure (the connection's error state matches
    /// `resultCode`), and falls back to `resultCode` and `sqlite3_errstr` otherwise, for example when the
    /// connection handle itself could not be made.
    ///
    /// - Parameters:
    ///   - connection: The `sqlite3*` the call used, or nil.
    ///   - resultCode: What the call returned.
    ///   - sql: The statement, if any.
    /// - Returns: The error.
    static func fromConnection(_ connection: OpaquePointer?, resultCode: Int32, sql: String?) -> SQLiteError {
        if let connection {
            let extended = sqlite3_extended_errcode(connection)
            if extended & 0xFF == resultCode & 0xFF, let text = sqlite3_errmsg(connection) {
                return SQLiteError(resultCode: ResultCode(rawValue: extended), message: String(cString: text), sql: sql)
            }
        }
        let text = sqlite3_errstr(resultCode).map { String(cString: $0) } ?? "unknown error"
        return SQLiteError(resultCode: ResultCode(rawValue: resultCode), message: text, sql: sql)
    }
}
