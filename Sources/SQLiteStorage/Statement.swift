internal import CSQLite3

/// A prepared statement: owns one `sqlite3_stmt*`, finalized in `deinit`.
///
/// Bind parameters (1-based, as in SQLite) with the typed `bind` methods or ``bind(_:)``, call ``step()``
/// until it returns false, and read columns (0-based) of the current row while ``step()`` last returned
/// true. ``reset()`` makes the statement ready to run again (bindings stay until ``clearBindings()``).
///
/// A statement belongs to its ``Connection`` and shares its thread rule: use it from one thread at a
/// time, never concurrently with other work on the same connection. Not `Sendable`.
package final class Statement {
    /// The `sqlite3_stmt*`; owned by this object alone, never returned.
    private let handle: OpaquePointer
    /// The SQL text, for error reports.
    package let sql: String

    /// Takes ownership of `handle`, a statement prepared from `sql`.
    init(owning handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        // The statement is ours alone; finalizing it also lets a connection closed with close_v2 go away.
        sqlite3_finalize(handle)
    }

    private var connection: OpaquePointer? { sqlite3_db_handle(handle) }

    private func check(_ resultCode: Int32) throws(SQLiteError) {
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(connection, resultCode: resultCode, sql: sql)
        }
    }

    // MARK: - Binding

    /// The number of parameters (`sqlite3_bind_parameter_count`).
    package var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds an integer to parameter `index` (1-based).
    ///
    /// - Parameters:
    ///   - value: The integer.
    ///   - index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` for an index out of range.
    package func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds a double to parameter `index` (1-based).
    ///
    /// - Parameters:
    ///   - value: The double.
    ///   - index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` for an index out of range.
    package func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds UTF-8 text to parameter `index` (1-based); SQLite copies it.
    ///
    /// - Parameters:
    ///   - value: The text (may contain NUL characters).
    ///   - index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` or `SQLITE_TOOBIG`.
    package func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        guard !value.isEmpty else {
            // A NULL pointer would bind NULL; an empty C string binds empty text.
            try check(sqlite3_bind_text(handle, index, "", 0, CSQLite3_transient()))
            return
        }
        var text = value
        let rc = text.withUTF8 { utf8 in
            // SQLITE_TRANSIENT: SQLite copies the bytes before returning, so the buffer may go away.
            utf8.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(
                    handle, index, chars.baseAddress, sqlite3_uint64(chars.count), CSQLite3_transient(),
                    UInt8(SQLITE_UTF8))
            }
        }
        try check(rc)
    }

    /// Binds bytes to parameter `index` (1-based); SQLite copies them. An empty array is bound as a
    /// zero-length blob, not NULL.
    ///
    /// - Parameters:
    ///   - value: The bytes.
    ///   - index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` or `SQLITE_TOOBIG`.
    package func bind(_ value: [UInt8], at index: Int32) throws(SQLiteError) {
        guard !value.isEmpty else {
            // sqlite3_bind_blob with a NULL pointer binds NULL; a zero-length blob needs zeroblob.
            try check(sqlite3_bind_zeroblob(handle, index, 0))
            return
        }
        let rc = value.withUnsafeBytes { bytes in
            // SQLITE_TRANSIENT: SQLite copies the bytes before returning.
            sqlite3_bind_blob64(handle, index, bytes.baseAddress, sqlite3_uint64(bytes.count), CSQLite3_transient())
        }
        try check(rc)
    }

    /// Binds NULL to parameter `index` (1-based).
    ///
    /// - Parameter index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` for an index out of range.
    package func bindNull(at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds one value of any storage class to parameter `index` (1-based).
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - index: The parameter number.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` or `SQLITE_TOOBIG`.
    package func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        switch value {
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        case .null: try bindNull(at: index)
        }
    }

    /// Resets the statement and binds `values` to parameters 1, 2, … in order.
    ///
    /// - Parameter values: Exactly ``parameterCount`` values.
    /// - Throws: ``SQLiteError`` with `SQLITE_RANGE` when the count differs from ``parameterCount``.
    package func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        reset()
        clearBindings()
        guard values.count == parameterCount else {
            throw SQLiteError(
                resultCode: .range, message: "\(values.count) values for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Sets every parameter back to NULL.
    package func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Running

    /// Runs the statement to its next row.
    ///
    /// - Returns: True when a row is available for the column accessors, false when the statement is done.
    /// - Throws: ``SQLiteError`` for any failure (`SQLITE_BUSY`, a constraint violation, …). The statement is
    ///   reset after a failure.
    package func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let error = SQLiteError.fromConnection(connection, resultCode: rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs the statement until it is done, ignoring any rows.
    ///
    /// - Throws: ``SQLiteError`` for any failure.
    package func run() throws(SQLiteError) {
        while try step() {}
        reset()
    }

    /// Makes the statement ready to run again from the start; bindings are kept.
    package func reset() {
        // The return value repeats the last step's error, which step() has already reported.
        sqlite3_reset(handle)
    }

    // MARK: - Columns of the current row

    /// The number of columns in a result row.
    package var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The storage class of column `index` (0-based) in the current row.
    ///
    /// - Parameter index: The column.
    /// - Returns: Its type.
    package func columnType(at index: Int32) -> SQLiteColumnType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    /// Whether column `index` (0-based) is NULL.
    ///
    /// - Parameter index: The column.
    /// - Returns: True for NULL.
    package func isNull(at index: Int32) -> Bool { columnType(at: index) == .null }

    /// Column `index` (0-based) as an integer, or nil when it is not an INTEGER.
    ///
    /// - Parameter index: The column.
    /// - Returns: The value.
    package func int64(at index: Int32) -> Int64? {
        columnType(at: index) == .integer ? sqlite3_column_int64(handle, index) : nil
    }

    /// Column `index` (0-based) as a double, or nil when it is neither REAL nor INTEGER.
    ///
    /// - Parameter index: The column.
    /// - Returns: The value.
    package func double(at index: Int32) -> Double? {
        switch columnType(at: index) {
        case .real, .integer: return sqlite3_column_double(handle, index)
        default: return nil
        }
    }

    /// Column `index` (0-based) as text, or nil when it is not TEXT.
    ///
    /// - Parameter index: The column.
    /// - Returns: The value; invalid UTF-8 is repaired with U+FFFD.
    package func string(at index: Int32) -> String? {
        guard columnType(at: index) == .text else { return nil }
        // Ask for the text first, then its length (SQLite's documented order); the pointer lives until the
        // next step, reset or finalize, and the String copies it.
        guard let text = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` (0-based) as bytes, or nil when it is not a BLOB.
    ///
    /// - Parameter index: The column.
    /// - Returns: A copy of the bytes (empty for a zero-length blob).
    package func blob(at index: Int32) -> [UInt8]? {
        guard columnType(at: index) == .blob else { return nil }
        guard let bytes = sqlite3_column_blob(handle, index) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, index))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Column `index` (0-based) as a value of whatever storage class it has.
    ///
    /// - Parameter index: The column.
    /// - Returns: The value.
    package func value(at index: Int32) -> SQLiteValue {
        switch columnType(at: index) {
        case .integer: return .integer(sqlite3_column_int64(handle, index))
        case .real: return .real(sqlite3_column_double(handle, index))
        case .text: return .text(string(at: index) ?? "")
        case .blob: return .blob(blob(at: index) ?? [])
        case .null: return .null
        }
    }
}
