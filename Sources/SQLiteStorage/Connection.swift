internal import CSQLite3

/// An open SQLite database: owns one `sqlite3*`, closed in `deinit`.
///
/// Opening configures the connection for a durable server store (see ``Options``): extended result codes,
/// a busy timeout, the write-ahead log (`journal_mode=WAL`), `synchronous=FULL` and foreign keys.
///
/// ## Threads
///
/// A connection is used from one thread at a time: it is opened in SQLite's multi-thread mode
/// (`SQLITE_OPEN_NOMUTEX`), so SQLite itself does not lock it, and it is not `Sendable`. To share one
/// between tasks, put it in a ``DatabaseQueue``, which serializes every use behind a mutex. Several
/// connections (in one process or several) may open the same file; SQLite's file locks and the busy
/// timeout arbitrate between them, and ``transaction(_:_:)`` takes the write lock up front
/// (`BEGIN IMMEDIATE`) so two writers never deadlock on a lock upgrade.
package final class Connection {
    /// How to open a connection.
    package struct Options: Sendable {
        /// Create the file if it does not exist (`SQLITE_OPEN_CREATE`).
        package var create: Bool
        /// Open read-only (`SQLITE_OPEN_READONLY`); otherwise read-write.
        package var readOnly: Bool
        /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
        package var busyTimeoutMilliseconds: Int32
        /// Use the write-ahead log (`PRAGMA journal_mode=WAL`). Readers then never block the writer, and a
        /// transaction becomes durable as one append to the log. Ignored for in-memory databases.
        package var writeAheadLog: Bool
        /// `PRAGMA synchronous`.
        package var synchronous: Synchronous
        /// `PRAGMA foreign_keys=ON`.
        package var foreignKeys: Bool

        /// The defaults of a durable server store: create, read-write, 5 s busy timeout, WAL,
        /// `synchronous=FULL`, foreign keys on.
        ///
        /// - Parameters:
        ///   - create: Create the file if missing.
        ///   - readOnly: Open read-only.
        ///   - busyTimeoutMilliseconds: The busy timeout.
        ///   - writeAheadLog: Use WAL.
        ///   - synchronous: The sync level.
        ///   - foreignKeys: Enforce foreign keys.
        package init(
            create: Bool = true, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5_000,
            writeAheadLog: Bool = true, synchronous: Synchronous = .full, foreignKeys: Bool = true
        ) {
            self.create = create
            self.readOnly = readOnly
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.writeAheadLog = writeAheadLog
            self.synchronous = synchronous
            self.foreignKeys = foreignKeys
        }
    }

    /// `PRAGMA synchronous` levels.
    ///
    /// With WAL, `normal` syncs the log only at checkpoints: a committed transaction survives the process
    /// being killed, but may be lost if the machine loses power or the kernel crashes. `full` syncs the log
    /// at every commit, so a transaction reported committed survives those too; it costs one `fsync` per
    /// write transaction. A store of credentials and one-time-code state uses `full`: losing a committed
    /// "this code was used" would let the code be used again.
    package enum Synchronous: String, Sendable {
        /// `OFF`: no syncs (tests of throwaway databases only).
        case off = "OFF"
        /// `NORMAL`.
        case normal = "NORMAL"
        /// `FULL` (the default here).
        case full = "FULL"
    }

    /// The `sqlite3*`; owned by this object alone, never returned.
    private let handle: OpaquePointer
    /// The path given to ``init(path:options:)``.
    package let path: String
    /// Prepared statements by SQL text, reused by ``cachedStatement(_:)``.
    private var statementCache: [String: Statement] = [:]
    /// How many ``savepoint(_:)`` calls are running, for naming nested savepoints.
    var savepointDepth = 0

    /// Opens (and by default creates) the database at `path` and configures it.
    ///
    /// - Parameters:
    ///   - path: A file path, or `:memory:` for a private in-memory database.
    ///   - options: Open flags and pragmas; ``Options/init(create:readOnly:busyTimeoutMilliseconds:writeAheadLog:synchronous:foreignKeys:)``
    ///     by default.
    /// - Throws: ``SQLiteError`` when the file cannot be opened, is not a database, or a pragma fails.
    package init(path: String, options: Options = Options()) throws(SQLiteError) {
        var flags = options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if options.create && !options.readOnly { flags |= SQLITE_OPEN_CREATE }
        // Multi-thread mode: this object is used from one thread at a time (see the type's documentation).
        flags |= SQLITE_OPEN_NOMUTEX
        var opened: OpaquePointer? = nil
        let rc = sqlite3_open_v2(path, &opened, flags, nil)
        guard rc == SQLITE_OK, let opened else {
            let error = SQLiteError.fromConnection(opened, resultCode: rc, sql: nil)
            // sqlite3_open_v2 hands out a handle even on failure (except out of memory); we own it and close it.
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, options.busyTimeoutMilliseconds)
        // Reading the schema here turns "file is not a database" into an error at open, not at first use.
        try execute("SELECT count(*) FROM sqlite_schema")
        if options.writeAheadLog && !options.readOnly {
            let mode = try firstRow("PRAGMA journal_mode=WAL") { $0.string(at: 0) } ?? nil
            guard let mode, mode.lowercased() == "wal" || mode.lowercased() == "memory" else {
                throw SQLiteError(
                    resultCode: .error, message: "cannot switch to WAL; journal mode is \(mode ?? "unknown")",
                    sql: "PRAGMA journal_mode=WAL")
            }
        }
        try execute("PRAGMA synchronous=\(options.synchronous.rawValue)")
        try execute("PRAGMA foreign_keys=\(options.foreignKeys ? "ON" : "OFF")")
    }

    deinit {
        // Statements must go first; close_v2 also waits for any statement still held elsewhere.
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Throws the connection's error for `resultCode` unless it is `SQLITE_OK`.
    func check(_ resultCode: Int32, sql: String?) throws(SQLiteError) {
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: sql)
        }
    }

    // MARK: - Statements

    /// Compiles one SQL statement.
    ///
    /// - Parameter sql: Exactly one statement (a trailing semicolon and whitespace are allowed).
    /// - Returns: The statement, owned by the caller.
    /// - Throws: ``SQLiteError`` for a syntax error or unknown table or column, or for text holding more
    ///   than one statement.
    package func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer? = nil
        var rest = 0
        let rc = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>? = nil
            let rc = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if let tail {
                // Anything after the first statement must be whitespace or semicolons.
                var cursor = tail
                while cursor.pointee != 0 {
                    let c = UInt8(bitPattern: cursor.pointee)
                    if c != UInt8(ascii: " ") && c != UInt8(ascii: "\n") && c != UInt8(ascii: "\t")
                        && c != UInt8(ascii: "\r") && c != UInt8(ascii: ";")
                    {
                        rest += 1
                    }
                    cursor += 1
                }
            }
            return rc
        }
        guard rc == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: rc, sql: sql)
        }
        guard let statement else {
            throw SQLiteError(resultCode: .misuse, message: "no statement in the SQL text", sql: sql)
        }
        // From here the Statement object owns the sqlite3_stmt* and finalizes it.
        let owned = Statement(owning: statement, sql: sql)
        guard rest == 0 else {
            throw SQLiteError(resultCode: .misuse, message: "more than one statement; use executeScript", sql: sql)
        }
        return owned
    }

    /// A statement for `sql` compiled once per connection and reused, reset, with its bindings cleared.
    ///
    /// - Warning: Do not run the same SQL again while iterating the rows of an earlier use: both are the
    ///   same statement.
    /// - Parameter sql: Exactly one statement.
    /// - Returns: The statement, owned by the connection's cache.
    /// - Throws: As ``prepare(_:)``.
    package func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one statement with `arguments`, ignoring any rows.
    ///
    /// - Parameters:
    ///   - sql: Exactly one statement.
    ///   - arguments: One value per parameter.
    /// - Returns: The number of rows the statement inserted, updated or deleted (`sqlite3_changes`).
    /// - Throws: ``SQLiteError`` for any failure.
    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        try statement.run()
        return Int(sqlite3_changes(handle))
    }

    /// Runs `sql` with `arguments` and maps each row with `read`.
    ///
    /// - Parameters:
    ///   - sql: Exactly one statement.
    ///   - arguments: One value per parameter.
    ///   - read: Reads the current row from the statement's column accessors.
    /// - Returns: One value per row, in order.
    /// - Throws: ``SQLiteError`` for any failure, or what `read` throws.
    package func rows<T>(
        _ sql: String, _ arguments: [SQLiteValue] = [], _ read: (Statement) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> [T] {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var values: [T] = []
        while try statement.step() {
            values.append(try read(statement))
        }
        return values
    }

    /// Runs `sql` with `arguments` and maps its first row with `read`.
    ///
    /// The statement is run to completion, so a `DELETE … RETURNING` deletes every row it matches.
    ///
    /// - Parameters:
    ///   - sql: Exactly one statement.
    ///   - arguments: One value per parameter.
    ///   - read: Reads the current row.
    /// - Returns: The first row's value, or nil when there is no row.
    /// - Throws: ``SQLiteError`` for any failure, or what `read` throws.
    package func firstRow<T>(
        _ sql: String, _ arguments: [SQLiteValue] = [], _ read: (Statement) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var first: T? = nil
        while try statement.step() {
            if first == nil { first = try read(statement) }
        }
        return first
    }

    /// Runs a script of several statements without arguments (`sqlite3_exec`), for schema migrations.
    ///
    /// - Parameter sql: Statements separated by semicolons.
    /// - Throws: ``SQLiteError`` for the first statement that fails; the ones before it have run.
    package func executeScript(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql: sql)
    }

    // MARK: - State

    /// The rowid of the last successful `INSERT` on this connection.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last `INSERT`, `UPDATE` or `DELETE`.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open (the connection is not in autocommit mode).
    package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The database's `PRAGMA user_version`, which ``SchemaMigrator`` uses as the schema version.
    ///
    /// - Returns: The version; 0 for a new database.
    /// - Throws: ``SQLiteError``.
    package func userVersion() throws(SQLiteError) -> Int32 {
        let value = try firstRow("PRAGMA user_version") { $0.int64(at: 0) } ?? nil
        return Int32(truncatingIfNeeded: value ?? 0)
    }

    /// Sets `PRAGMA user_version` (a pragma, so not a bound parameter).
    ///
    /// - Parameter version: The new version.
    /// - Throws: ``SQLiteError``.
    package func setUserVersion(_ version: Int32) throws(SQLiteError) {
        try executeScript("PRAGMA user_version=\(version)")
    }

    /// Runs `PRAGMA integrity_check`.
    ///
    /// - Returns: `["ok"]` for a sound database, otherwise SQLite's list of problems.
    /// - Throws: ``SQLiteError`` when the check cannot run.
    package func integrityCheck() throws(SQLiteError) -> [String] {
        try rows("PRAGMA integrity_check") { $0.string(at: 0) ?? "" }
    }

    /// Runs `PRAGMA foreign_key_check`.
    ///
    /// - Returns: One line (`table rowid parent`) per row whose foreign key has no parent; empty when sound.
    /// - Throws: ``SQLiteError`` when the check cannot run.
    package func foreignKeyCheck() throws(SQLiteError) -> [String] {
        try rows("PRAGMA foreign_key_check") { row in
            "\(row.string(at: 0) ?? "?") \(row.int64(at: 1).map(String.init) ?? "?") \(row.string(at: 2) ?? "?")"
        }
    }
}
