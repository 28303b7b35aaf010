import SQLiteStorage

/// The embedded ``MFARegistryStore``: one SQLite database file through the system libsqlite3.
///
/// Opening the file brings its schema up to date (versioned migrations on `PRAGMA user_version`, each
/// in its own transaction). The connection uses the write-ahead log with `synchronous=FULL`: every
/// ``write(_:)`` is one `BEGIN IMMEDIATE` transaction that is on disk when the call returns, so a process
/// killed at any moment (or a machine that loses power) leaves either all of a transaction or none of it.
/// Several processes may open one file; their write transactions queue for SQLite's write lock (up to a
/// five-second busy timeout, after which the call fails with ``MFAError/Code/storageFailure``).
///
/// ## Secrets
///
/// The store never holds a key. TOTP secrets arrive sealed by the caller (``TOTPMethodData/sealedSecret``,
/// AES-256-GCM under a ``OneTimeCodes/SecretEncryptionKey`` and bound to the account and method), SMS and
/// recovery codes arrive as HMACs, trusted-device secrets as hashes. The database alone reveals no
/// secret and no code.
///
/// ## Threads
///
/// One connection, behind a mutex: transactions of one store object run one at a time. Calls block the
/// calling thread.
public final class SQLiteMFAStore: MFARegistryStore {
    /// The schema version this build creates and reads (`PRAGMA user_version`).
    public static var schemaVersion: Int32 { migrator.latestVersion }

    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// Opens (or creates) the store at `path` and migrates its schema.
    ///
    /// - Parameter path: The database file; created when missing.
    /// - Throws: ``MFAError/Code/storageFailure`` when the file cannot be opened or is not a database, or its
    ///   schema is newer than this program's.
    public init(path: String) throws(MFAError) {
        self.path = path
        do {
            queue = try DatabaseQueue(path: path)
            try queue.withConnection { (db) throws(SQLiteError) in
                try Self.migrator.migrate(db)
            }
        } catch {
            throw MFAError(.storageFailure, "cannot open the MFA store at \(path): \(error)")
        }
    }

    /// Runs `body` in a `BEGIN DEFERRED` transaction: one consistent snapshot.
    ///
    /// - Parameter body: The reads.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``MFAError/Code/storageFailure``.
    @discardableResult
    public func read<R: Sendable>(_ body: (any MFAStoreReading) throws(MFAError) -> R) throws(MFAError) -> R {
        try queue.read(mapError: SQLiteMFATransaction.mapped) { (db) throws(MFAError) -> R in
            let transaction = SQLiteMFATransaction(db, writable: false)
            defer { transaction.close() }
            return try body(transaction)
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committed when it returns and rolled back when it
    /// throws.
    ///
    /// - Parameter body: The work.
    /// - Returns: What `body` returns, after the commit is durable.
    /// - Throws: What `body` throws, or ``MFAError/Code/storageFailure``.
    @discardableResult
    public func write<R: Sendable>(_ body: (any MFAStoreTransaction) throws(MFAError) -> R) throws(MFAError) -> R {
        try queue.write(mapError: SQLiteMFATransaction.mapped) { (db) throws(MFAError) -> R in
            let transaction = SQLiteMFATransaction(db, writable: true)
            defer { transaction.close() }
            return try body(transaction)
        }
    }

    /// Everything wrong with the database file: SQLite's `integrity_check`, foreign keys without a parent,
    /// and methods whose detail row is missing or of another kind. Empty for a sound store.
    ///
    /// - Returns: One line per problem.
    /// - Throws: ``MFAError/Code/storageFailure`` when the checks cannot run.
    package func consistencyProblems() throws(MFAError) -> [String] {
        do {
            return try queue.withConnection { (db) throws(SQLiteError) -> [String] in
                var problems = try db.integrityCheck().filter { $0 != "ok" }
                problems += try db.foreignKeyCheck().map { "foreign key: \($0)" }
                problems += try db.rows(Self.methodsWithoutDetailsSQL) { row in
                    "method \(row.string(at: 0) ?? "?") (\(row.string(at: 1) ?? "?")) has no details"
                }
                problems += try db.rows(Self.detailsOfWrongKindSQL) { row in
                    "method \(row.string(at: 0) ?? "?") has details of another kind"
                }
                return problems
            }
        } catch {
            throw MFAError(.storageFailure, "cannot check the MFA store: \(error)")
        }
    }

    private static let methodsWithoutDetailsSQL = """
        SELECT m.id, m.kind FROM method m WHERE
            (m.kind = 'totp' AND NOT EXISTS (SELECT 1 FROM totp_secret d WHERE d.method_id = m.id))
            OR (m.kind = 'sms' AND NOT EXISTS (SELECT 1 FROM sms_number d WHERE d.method_id = m.id))
            OR (m.kind = 'security-key' AND NOT EXISTS (SELECT 1 FROM webauthn_credential d WHERE d.method_id = m.id))
            OR (m.kind = 'recovery-codes' AND NOT EXISTS (SELECT 1 FROM recovery_code_set d WHERE d.method_id = m.id))
        """

    private static let detailsOfWrongKindSQL = """
        SELECT method_id FROM totp_secret JOIN method ON method.id = method_id WHERE kind != 'totp'
        UNION ALL SELECT method_id FROM sms_number JOIN method ON method.id = method_id WHERE kind != 'sms'
        UNION ALL SELECT method_id FROM webauthn_credential JOIN method ON method.id = method_id
            WHERE kind != 'security-key'
        UNION ALL SELECT method_id FROM recovery_code_set JOIN method ON method.id = method_id
            WHERE kind != 'recovery-codes'
        """
}
