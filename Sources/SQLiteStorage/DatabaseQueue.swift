import Synchronization

/// A ``Connection`` shared between tasks and threads: every use runs under one mutex, one at a time.
///
/// Blocking: a call waits for the mutex and then for SQLite (and a transaction waits up to the busy
/// timeout for other connections' locks). Keep the closures short and free of anything but database work
/// and pure computation.
package final class DatabaseQueue: Sendable {
    private let connection: Mutex<Connection>

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - path: A file path, or `:memory:`.
    ///   - options: As for ``Connection/init(path:options:)``.
    /// - Throws: ``SQLiteError`` when the database cannot be opened.
    package init(path: String, options: Connection.Options = Connection.Options()) throws(SQLiteError) {
        connection = Mutex(try Connection(path: path, options: options))
    }

    /// Runs `body` with the connection, holding the mutex.
    ///
    /// - Parameter body: The work; must not keep the connection or its statements.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    @discardableResult
    package func withConnection<R: Sendable, E: Error>(_ body: (Connection) throws(E) -> R) throws(E) -> R {
        try connection.withLock { (connection) throws(E) -> R in
            try body(connection)
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the connection, holding the mutex.
    ///
    /// - Parameters:
    ///   - mapError: Turns a failure of `BEGIN` or `COMMIT` into the caller's error type.
    ///   - body: The work.
    /// - Returns: What `body` returns, after the commit.
    /// - Throws: What `body` throws (after rolling back), or `mapError` of a failed `BEGIN` or `COMMIT`.
    @discardableResult
    package func write<R: Sendable, E: Error>(
        mapError: (SQLiteError) -> E, _ body: (Connection) throws(E) -> R
    ) throws(E) -> R {
        try withConnection { (connection) throws(E) -> R in
            try connection.transaction(.immediate, mapError: mapError, body)
        }
    }

    /// Runs `body` in a `BEGIN DEFERRED` transaction (one consistent snapshot), holding the mutex.
    ///
    /// - Parameters:
    ///   - mapError: Turns a failure of `BEGIN` or `COMMIT` into the caller's error type.
    ///   - body: The work; should only read.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or `mapError` of a failed `BEGIN` or `COMMIT`.
    @discardableResult
    package func read<R: Sendable, E: Error>(
        mapError: (SQLiteError) -> E, _ body: (Connection) throws(E) -> R
    ) throws(E) -> R {
        try withConnection { (connection) throws(E) -> R in
            try connection.transaction(.deferred, mapError: mapError, body)
        }
    }
}
