/// Versioned schema migrations driven by `PRAGMA user_version`.
///
/// Register migrations for versions 1, 2, 3, … in order; ``migrate(_:)`` runs, in order, each one whose
/// version is above the database's `user_version`, every one in its own `BEGIN IMMEDIATE` transaction
/// that also sets `user_version` to its version. A migration that throws leaves the database at the
/// version before it. Two processes migrating one file at once are safe: the version is re-read after
/// the write lock is taken, so each migration runs once.
///
/// ```swift
/// var migrator = SchemaMigrator()
/// migrator.register(version: 1, name: "accounts") { db throws(SQLiteError) in
///     try db.executeScript("CREATE TABLE account (id TEXT PRIMARY KEY) STRICT")
/// }
/// try migrator.migrate(connection)
/// ```
package struct SchemaMigrator: Sendable {
    /// One schema step.
    package struct Migration: Sendable {
        /// The `user_version` the database has after this migration.
        package let version: Int32
        /// A name for error messages.
        package let name: String
        /// The work; runs inside the migration's transaction.
        package let apply: @Sendable (Connection) throws(SQLiteError) -> Void
    }

    /// The registered migrations, in registration order.
    package private(set) var migrations: [Migration] = []

    /// An empty migrator.
    package init() {}

    /// The version the last migration leaves the database at; 0 with none.
    package var latestVersion: Int32 { migrations.last?.version ?? 0 }

    /// Adds the migration to `version`.
    ///
    /// - Parameters:
    ///   - version: One more than the previous registration's (the first is 1); ``migrate(_:)`` refuses a
    ///     list with a gap.
    ///   - name: A name for error messages.
    ///   - apply: The schema change.
    package mutating func register(
        version: Int32, name: String, _ apply: @escaping @Sendable (Connection) throws(SQLiteError) -> Void
    ) {
        migrations.append(Migration(version: version, name: name, apply: apply))
    }

    /// Brings `connection`'s database up to ``latestVersion``.
    ///
    /// - Parameter connection: An open connection with no transaction in progress.
    /// - Returns: The version before and after.
    /// - Throws: ``SQLiteError`` when a migration fails (the database keeps the last version that
    ///   succeeded), when the registered versions are not 1, 2, 3, …, or with `SQLITE_ERROR` when the
    ///   database's version is newer than ``latestVersion`` (written by a newer program).
    @discardableResult
    package func migrate(_ connection: Connection) throws(SQLiteError) -> (from: Int32, to: Int32) {
        for (offset, migration) in migrations.enumerated() where migration.version != Int32(offset + 1) {
            throw SQLiteError(
                resultCode: .misuse,
                message: "migration \(migration.name) has version \(migration.version); expected \(offset + 1)")
        }
        let start = try connection.userVersion()
        guard start <= latestVersion else {
            throw SQLiteError(
                resultCode: .error,
                message: "the database schema is version \(start); this program knows up to \(latestVersion)")
        }
        for migration in migrations where migration.version > start {
            try connection.transaction(.immediate) { (db) throws(SQLiteError) in
                // Another connection may have migrated while this one waited for the write lock.
                guard try db.userVersion() < migration.version else { return }
                do throws(SQLiteError) {
                    try migration.apply(db)
                } catch {
                    throw SQLiteError(
                        resultCode: error.resultCode,
                        message: "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                        sql: error.sql)
                }
                try db.setUserVersion(migration.version)
            }
        }
        return (start, try connection.userVersion())
    }
}
