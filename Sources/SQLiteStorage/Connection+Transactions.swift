/// How a transaction takes its locks (`BEGIN DEFERRED`, `IMMEDIATE` or `EXCLUSIVE`).
package enum TransactionKind: String, Sendable {
    /// Locks are taken on first use. A read transaction; a write inside it may fail with `SQLITE_BUSY`
    /// when another connection wrote in between.
    case deferred = "DEFERRED"
    /// The write lock is taken at `BEGIN` (waiting up to the busy timeout), so the transaction's reads and
    /// writes see one consistent state and it cannot fail later for want of a lock upgrade. The default.
    case immediate = "IMMEDIATE"
    /// As ``immediate``; in WAL mode the same.
    case exclusive = "EXCLUSIVE"
}

extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// - Parameters:
    ///   - kind: ``TransactionKind/immediate`` by default: the write lock is taken before `body` runs.
    ///   - body: The work; receives this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws (after rolling back), or ``SQLiteError`` when `BEGIN` or `COMMIT` fails
    ///   (the transaction is rolled back then too), or when a transaction is already open (use
    ///   ``savepoint(_:)`` to nest).
    @discardableResult
    package func transaction<R>(
        _ kind: TransactionKind = .immediate, _ body: (Connection) throws(SQLiteError) -> R
    ) throws(SQLiteError) -> R {
        try transaction(kind, mapError: { $0 }, body)
    }

    /// Runs `body` in a transaction whose failures are of the caller's error type.
    ///
    /// - Parameters:
    ///   - kind: ``TransactionKind/immediate`` by default.
    ///   - mapError: Turns a failure of `BEGIN` or `COMMIT` into the caller's error type.
    ///   - body: The work; receives this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws (after rolling back), or `mapError` of a failed `BEGIN` or `COMMIT`.
    @discardableResult
    package func transaction<R, E: Error>(
        _ kind: TransactionKind = .immediate, mapError: (SQLiteError) -> E, _ body: (Connection) throws(E) -> R
    ) throws(E) -> R {
        guard !isInTransaction else {
            throw mapError(
                SQLiteError(resultCode: .misuse, message: "a transaction is already open; use a savepoint to nest"))
        }
        do {
            try execute("BEGIN \(kind.rawValue)")
        } catch {
            throw mapError(error)
        }
        let result: R
        do {
            result = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            // A failed COMMIT (SQLITE_BUSY, SQLITE_FULL, an I/O error) leaves nothing committed: roll back so
            // the connection is usable again, and report the failure.
            rollbackQuietly()
            throw mapError(error)
        }
        return result
    }

    /// Runs `body` inside a savepoint: released when it returns, rolled back to when it throws.
    ///
    /// Savepoints nest, inside a transaction or outside one (where the outermost acts as `BEGIN DEFERRED`).
    ///
    /// - Parameter body: The work; receives this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws (after rolling back to the savepoint), or ``SQLiteError`` when the
    ///   savepoint cannot be made or released.
    @discardableResult
    package func savepoint<R>(_ body: (Connection) throws(SQLiteError) -> R) throws(SQLiteError) -> R {
        try savepoint(mapError: { $0 }, body)
    }

    /// Runs `body` inside a savepoint whose failures are of the caller's error type.
    ///
    /// Use it to make a group of statements inside a larger transaction all-or-nothing, so the
    /// transaction can go on after the group fails.
    ///
    /// - Parameters:
    ///   - mapError: Turns a failure to make or release the savepoint into the caller's error type.
    ///   - body: The work; receives this connection.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws (after rolling back to the savepoint), or `mapError` of a failure to
    ///   make or release it.
    @discardableResult
    package func savepoint<R, E: Error>(
        mapError: (SQLiteError) -> E, _ body: (Connection) throws(E) -> R
    ) throws(E) -> R {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "keybridge_savepoint_\(savepointDepth)"
        do {
            try execute("SAVEPOINT \(name)")
        } catch {
            throw mapError(error)
        }
        let result: R
        do {
            result = try body(self)
        } catch {
            abandonSavepoint(name)
            throw error
        }
        do {
            try execute("RELEASE \(name)")
        } catch {
            abandonSavepoint(name)
            throw mapError(error)
        }
        return result
    }

    /// Undoes a savepoint's work and closes it: ROLLBACK TO keeps the savepoint open, RELEASE ends it.
    /// Failures are ignored: they happen only when SQLite has already rolled back the whole transaction.
    private func abandonSavepoint(_ name: String) {
        _ = try? execute("ROLLBACK TO \(name)")
        _ = try? execute("RELEASE \(name)")
    }

    /// Rolls back the open transaction, if SQLite has not already done so.
    ///
    /// Some errors (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`, an interrupted statement) end the
    /// transaction by themselves; ROLLBACK would then fail with "no transaction is active", so it is only
    /// sent while a transaction is still open. A failing ROLLBACK leaves nothing to do but report the
    /// original error, which the caller does.
    private func rollbackQuietly() {
        guard isInTransaction else { return }
        _ = try? execute("ROLLBACK")
    }
}
