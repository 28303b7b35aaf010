import Foundation
import SQLiteStorage
import Testing

@Suite("Connection: opening, pragmas, binding and columns")
struct ConnectionTests {
    @Test("Opening a new file creates a WAL database with synchronous=FULL and foreign keys enforced")
    func openConfiguresDurableDefaults() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("a.sqlite")
        let connection = try Connection(path: path)
        #expect(try connection.firstRow("PRAGMA journal_mode") { $0.string(at: 0) } == "wal")
        // PRAGMA synchronous reads back as a number: 2 is FULL (sqlite.org/pragma.html#pragma_synchronous).
        #expect(try connection.firstRow("PRAGMA synchronous") { $0.int64(at: 0) } == 2)
        #expect(try connection.firstRow("PRAGMA foreign_keys") { $0.int64(at: 0) } == 1)
        #expect(FileManager.default.fileExists(atPath: path))
        if SQLiteShell.isAvailable {
            // WAL is a property of the file: an independent reader sees it.
            #expect(try SQLiteShell.run(path, "PRAGMA journal_mode;") == "wal")
        }
    }

    @Test("Opening a missing file without create fails with SQLITE_CANTOPEN")
    func openWithoutCreateFails() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SQLiteError.self) {
            _ = try Connection(path: directory.file("missing.sqlite"), options: .init(create: false))
        }
        #expect(error?.resultCode.primary == .cannotOpen)
    }

    @Test("A file that is not a database is refused at open with SQLITE_NOTADB")
    func openRejectsNonDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SQLiteError.self) { _ = try Connection(path: path) }
        #expect(error?.resultCode == .notADatabase)
    }

    @Test("Every storage class round-trips through bind and the column accessors")
    func valuesRoundTrip() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let cases: [(Int64, Double, String, [UInt8])] = [
            (Int64.min, -0.5, "", []),
            (Int64.max, 1e300, "a\u{0}b", [0x00]),
            (0, 3.25, "héllo ✓", Array(0...255)),
        ]
        for (i, r, s, b) in cases {
            try connection.execute("DELETE FROM t")
            try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(i), .real(r), .text(s), .blob(b), .null])
            let row = try #require(
                try connection.firstRow("SELECT i, r, s, b, n, typeof(b), length(s) FROM t") { row in
                    (row.int64(at: 0), row.double(at: 1), row.string(at: 2), row.blob(at: 3), row.isNull(at: 4),
                     row.string(at: 5), row.int64(at: 6))
                })
            #expect(row.0 == i)
            #expect(row.1 == r)
            #expect(row.2 == s)
            #expect(row.3 == b)
            #expect(row.4)
            // An empty array is a zero-length BLOB, never NULL.
            #expect(row.5 == "blob")
            // length() counts characters up to the first NUL; SQLite stored all the bytes anyway (row.2 == s).
            #expect(row.6 == Int64(s.prefix { $0 != "\u{0}" }.count))
        }
    }

    @Test("Typed accessors return nil for a column of another storage class")
    func accessorsRefuseOtherClasses() throws {
        let connection = try Connection(path: ":memory:")
        let row = try #require(
            try connection.firstRow("SELECT 'text', x'00', NULL, 7") { row in
                (row.int64(at: 0), row.string(at: 1), row.blob(at: 2), row.columnType(at: 3), row.double(at: 3))
            })
        #expect(row.0 == nil)
        #expect(row.1 == nil)
        #expect(row.2 == nil)
        #expect(row.3 == .integer)
        #expect(row.4 == 7.0)
    }

    @Test("A UNIQUE violation reports the extended code SQLITE_CONSTRAINT_UNIQUE, SQLite's message and the SQL")
    func uniqueViolationIsMapped() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (k TEXT UNIQUE)")
        try connection.execute("INSERT INTO t VALUES ('x')")
        let sql = "INSERT INTO t VALUES (?)"
        let error = #expect(throws: SQLiteError.self) { try connection.execute(sql, [.text("x")]) }
        #expect(error?.resultCode == .constraintUnique)
        #expect(error?.resultCode.primary == .constraint)
        #expect(error?.isUniquenessViolation == true)
        #expect(error?.message.contains("UNIQUE constraint failed: t.k") == true)
        #expect(error?.sql == sql)
    }

    @Test("A foreign key violation reports SQLITE_CONSTRAINT_FOREIGNKEY")
    func foreignKeyViolationIsMapped() throws {
        let connection = try Connection(path: ":memory:")
        try connection.executeScript(
            "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER NOT NULL REFERENCES p(id));")
        let error = #expect(throws: SQLiteError.self) { try connection.execute("INSERT INTO c VALUES (42)") }
        #expect(error?.resultCode == .constraintForeignKey)
    }

    @Test("A syntax error is reported at prepare with SQLITE_ERROR and the SQL")
    func syntaxErrorIsMapped() throws {
        let connection = try Connection(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { _ = try connection.prepare("SELEC 1") }
        #expect(error?.resultCode == .error)
        #expect(error?.sql == "SELEC 1")
    }

    @Test("prepare refuses text with a second statement, which would otherwise be silently ignored")
    func prepareRefusesTwoStatements() throws {
        let connection = try Connection(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { _ = try connection.prepare("SELECT 1; SELECT 2") }
        #expect(error?.resultCode == .misuse)
        _ = try connection.prepare("SELECT 1 ;  \n")
    }

    @Test("Binding the wrong number of values fails with SQLITE_RANGE")
    func bindCountIsChecked() throws {
        let connection = try Connection(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { try connection.execute("SELECT ?, ?", [.integer(1)]) }
        #expect(error?.resultCode == .range)
    }

    @Test("execute returns the number of changed rows and DELETE … RETURNING yields the deleted row")
    func changesAndReturning() throws {
        let connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        for k in 1...3 { try connection.execute("INSERT INTO t VALUES (?, ?)", [.integer(Int64(k)), .text("v\(k)")]) }
        #expect(try connection.execute("UPDATE t SET v = 'w' WHERE k >= 2") == 2)
        let deleted = try connection.firstRow("DELETE FROM t WHERE k = ? RETURNING v", [.integer(1)]) { $0.string(at: 0) }
        #expect(deleted == "v1")
        let again = try connection.firstRow("DELETE FROM t WHERE k = ? RETURNING v", [.integer(1)]) { $0.string(at: 0) }
        #expect(again == nil)
        #expect(try connection.rows("SELECT k FROM t ORDER BY k") { $0.int64(at: 0) } == [2, 3])
    }

    @Test("Values written by one connection are read back by the sqlite3 shell")
    func shellReadsWhatWasWritten() throws {
        try #require(SQLiteShell.isAvailable)
        let directory = try TemporaryDirectory()
        let path = directory.file("shell.sqlite")
        do {
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t (s TEXT, b BLOB)")
            try connection.execute("INSERT INTO t VALUES (?, ?)", [.text("grüß"), .blob([0xDE, 0xAD, 0xBE, 0xEF])])
        }
        #expect(try SQLiteShell.run(path, "SELECT s || '|' || hex(b) FROM t;") == "grüß|DEADBEEF")
    }
}
