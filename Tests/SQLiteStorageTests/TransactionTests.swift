import Foundation
import SQLiteStorage
import Testing

private struct Abort: Error {}

@Suite("Transactions, savepoints and the database queue")
struct TransactionTests {
    private func counterDatabase(_ path: String = ":memory:") throws -> Connection {
        let connection = try Connection(path: path)
        try connection.executeScript(
            "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                + "INSERT OR IGNORE INTO counter VALUES (1, 0);")
        return connection
    }

    private func count(_ connection: Connection) throws -> Int64? {
        try connection.firstRow("SELECT n FROM counter WHERE id = 1") { $0.int64(at: 0) } ?? nil
    }

    @Test("A transaction whose body returns is committed")
    func commitOnReturn() throws {
        let connection = try counterDatabase()
        let value = try connection.transaction { (db) throws(SQLiteError) -> Int in
            try db.execute("UPDATE counter SET n = n + 5")
            return 7
        }
        #expect(value == 7)
        #expect(try count(connection) == 5)
        #expect(!connection.isInTransaction)
    }

    @Test("A transaction whose body throws is rolled back and the error passes through")
    func rollbackOnThrow() throws {
        let connection = try counterDatabase()
        #expect(throws: Abort.self) {
            try connection.transaction(.immediate, mapError: { $0 as any Error }) { (db) throws(any Error) in
                try db.execute("UPDATE counter SET n = 99")
                throw Abort()
            }
        }
        #expect(try count(connection) == 0)
        #expect(!connection.isInTransaction)
    }

    @Test("A constraint failure inside a transaction rolls back the earlier statements too")
    func constraintFailureRollsBackEverything() throws {
        let connection = try counterDatabase()
        let error = #expect(throws: SQLiteError.self) {
            try connection.transaction { (db) throws(SQLiteError) in
                try db.execute("UPDATE counter SET n = 1")
                try db.execute("INSERT INTO counter VALUES (1, 2)")
            }
        }
        #expect(error?.resultCode == .constraintPrimaryKey)
        #expect(try count(connection) == 0)
    }

    @Test("Opening a transaction inside a transaction is refused; savepoints nest instead")
    func nestedTransactionRefusedSavepointsNest() throws {
        let connection = try counterDatabase()
        try connection.transaction(.immediate, mapError: { $0 as any Error }) { (db) throws(any Error) in
            let error = #expect(throws: SQLiteError.self) {
                try db.transaction { (_) throws(SQLiteError) in }
            }
            #expect(error?.resultCode == .misuse)
            try db.execute("UPDATE counter SET n = 1")
            #expect(throws: SQLiteError.self) {
                try db.savepoint { (inner) throws(SQLiteError) in
                    try inner.execute("UPDATE counter SET n = 2")
                    try inner.savepoint { (innermost) throws(SQLiteError) in
                        try innermost.execute("UPDATE counter SET n = 3")
                    }
                    throw SQLiteError(resultCode: .abort, message: "test abort")
                }
            }
            // The failed savepoint undid its work (and its released child's); the outer work stands.
            #expect(try count(db) == 1)
            try db.savepoint { (inner) throws(SQLiteError) in try inner.execute("UPDATE counter SET n = n + 10") }
        }
        #expect(try count(connection) == 11)
    }

    @Test("BEGIN IMMEDIATE on a second connection fails with SQLITE_BUSY while the first holds the write lock")
    func immediateTransactionsExcludeEachOther() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("busy.sqlite")
        let first = try counterDatabase(path)
        let second = try Connection(path: path, options: .init(busyTimeoutMilliseconds: 50))
        try first.transaction(.immediate, mapError: { $0 as any Error }) { (db) throws(any Error) in
            try db.execute("UPDATE counter SET n = 1")
            let error = #expect(throws: SQLiteError.self) {
                try second.transaction { (_) throws(SQLiteError) in }
            }
            #expect(error?.resultCode.primary == .busy)
            // WAL: a reader is not blocked, and sees the last committed state.
            #expect(try second.firstRow("SELECT n FROM counter") { $0.int64(at: 0) } == 0)
        }
        #expect(try second.firstRow("SELECT n FROM counter") { $0.int64(at: 0) } == 1)
    }

    @Test("Concurrent increments through one queue and through two queues on one file are all kept")
    func concurrentIncrementsAreSerialized() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("queue.sqlite")
        _ = try counterDatabase(path)
        let queues = [try DatabaseQueue(path: path), try DatabaseQueue(path: path)]
        let tasks = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<tasks {
                let queue = queues[index % queues.count]
                group.addTask {
                    try queue.write(mapError: { $0 }) { (db) throws(SQLiteError) in
                        // Read-modify-write: lost updates would show if transactions interleaved.
                        let n = try db.firstRow("SELECT n FROM counter WHERE id = 1") { $0.int64(at: 0) } ?? nil
                        try db.execute("UPDATE counter SET n = ? WHERE id = 1", [.integer((n ?? 0) + 1)])
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try queues[0].read(mapError: { $0 }) { (db) throws(SQLiteError) in
            try db.firstRow("SELECT n FROM counter WHERE id = 1") { $0.int64(at: 0) } ?? nil
        }
        #expect(final == Int64(tasks))
    }
}
