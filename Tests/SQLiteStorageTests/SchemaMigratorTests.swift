import Foundation
import SQLiteStorage
import Testing

@Suite("SchemaMigrator: user_version-driven migrations")
struct SchemaMigratorTests {
    private func twoStepMigrator() -> SchemaMigrator {
        var migrator = SchemaMigrator()
        migrator.register(version: 1, name: "create a") { (db) throws(SQLiteError) in
            try db.executeScript("CREATE TABLE a (x INTEGER);")
        }
        migrator.register(version: 2, name: "create b") { (db) throws(SQLiteError) in
            try db.executeScript("CREATE TABLE b (y INTEGER);")
        }
        return migrator
    }

    private func tables(_ connection: Connection) throws -> [String] {
        try connection.rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.string(at: 0) ?? "" }
    }

    @Test("A new database runs every migration in order and ends at the latest user_version")
    func migratesNewDatabase() throws {
        let connection = try Connection(path: ":memory:")
        let migrator = twoStepMigrator()
        let result = try migrator.migrate(connection)
        #expect(result.from == 0)
        #expect(result.to == 2)
        #expect(try connection.userVersion() == 2)
        #expect(try tables(connection) == ["a", "b"])
    }

    @Test("Migrating again is a no-op, and a later migration runs alone on an older database")
    func migratesIncrementally() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("m.sqlite")
        var first = SchemaMigrator()
        first.register(version: 1, name: "create a") { (db) throws(SQLiteError) in
            try db.executeScript("CREATE TABLE a (x INTEGER);")
        }
        try first.migrate(try Connection(path: path))
        let connection = try Connection(path: path)
        let result = try twoStepMigrator().migrate(connection)
        #expect(result.from == 1)
        #expect(result.to == 2)
        let again = try twoStepMigrator().migrate(connection)
        #expect(again.from == 2)
        #expect(again.to == 2)
        if SQLiteShell.isAvailable {
            #expect(try SQLiteShell.run(path, "PRAGMA user_version;") == "2")
        }
    }

    @Test("A failing migration leaves the database at the previous version with none of its changes")
    func failingMigrationRollsBack() throws {
        let connection = try Connection(path: ":memory:")
        var migrator = twoStepMigrator()
        migrator.register(version: 3, name: "broken") { (db) throws(SQLiteError) in
            try db.executeScript("CREATE TABLE c (z INTEGER);")
            try db.executeScript("INSERT INTO no_such_table VALUES (1);")
        }
        let error = #expect(throws: SQLiteError.self) { try migrator.migrate(connection) }
        #expect(error?.message.contains("migration 3 (broken)") == true)
        #expect(try connection.userVersion() == 2)
        #expect(try tables(connection) == ["a", "b"])
    }

    @Test("A database newer than the program is refused")
    func newerDatabaseIsRefused() throws {
        let connection = try Connection(path: ":memory:")
        try connection.setUserVersion(7)
        let error = #expect(throws: SQLiteError.self) { try twoStepMigrator().migrate(connection) }
        #expect(error?.resultCode == .error)
        #expect(try tables(connection).isEmpty)
    }

    @Test("A list of migrations with a gap in its versions is refused before anything runs")
    func gapIsRefused() throws {
        let connection = try Connection(path: ":memory:")
        var migrator = SchemaMigrator()
        migrator.register(version: 1, name: "one") { (db) throws(SQLiteError) in
            try db.executeScript("CREATE TABLE a (x INTEGER);")
        }
        migrator.register(version: 3, name: "three") { (_) throws(SQLiteError) in }
        let error = #expect(throws: SQLiteError.self) { try migrator.migrate(connection) }
        #expect(error?.resultCode == .misuse)
        #expect(try connection.userVersion() == 0)
        #expect(try tables(connection).isEmpty)
    }
}
