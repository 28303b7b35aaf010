/// One value bound to a statement parameter: SQLite's five storage classes.
package enum SQLiteValue: Sendable, Hashable {
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Bytes. An empty array is bound as a zero-length blob, not as NULL.
    case blob([UInt8])
    /// NULL.
    case null

    /// `.integer(value)`, or `.null` for nil.
    ///
    /// - Parameter value: The integer.
    /// - Returns: The value to bind.
    package static func integer(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }

    /// `.text(value)`, or `.null` for nil.
    ///
    /// - Parameter value: The text.
    /// - Returns: The value to bind.
    package static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }

    /// `.blob(value)`, or `.null` for nil.
    ///
    /// - Parameter value: The bytes.
    /// - Returns: The value to bind.
    package static func blob(_ value: [UInt8]?) -> SQLiteValue { value.map { .blob($0) } ?? .null }

    /// `.real(value)`, or `.null` for nil.
    ///
    /// - Parameter value: The double.
    /// - Returns: The value to bind.
    package static func real(_ value: Double?) -> SQLiteValue { value.map { .real($0) } ?? .null }

    /// `.integer(1)` for true, `.integer(0)` for false.
    ///
    /// - Parameter value: The flag.
    /// - Returns: The value to bind.
    package static func bool(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }
}

/// The storage class of a column in the current row (`sqlite3_column_type`).
package enum SQLiteColumnType: Sendable, Hashable {
    /// `SQLITE_INTEGER`.
    case integer
    /// `SQLITE_FLOAT`.
    case real
    /// `SQLITE_TEXT`.
    case text
    /// `SQLITE_BLOB`.
    case blob
    /// `SQLITE_NULL`.
    case null
}
