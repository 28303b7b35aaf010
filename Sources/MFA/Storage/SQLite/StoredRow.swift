import SQLiteStorage

/// One result row copied out of a statement, with accessors that throw ``MFAError/Code/corruptRecord``
/// when a column does not hold what the schema promises.
struct StoredRow {
    let values: [SQLiteValue]
    let table: String

    private func corrupt(_ index: Int, _ expected: String) -> MFAError {
        MFAError(.corruptRecord, "column \(index) of a \(table) row is not \(expected)")
    }

    private func value(_ index: Int) -> SQLiteValue { index < values.count ? values[index] : .null }

    func text(_ index: Int) throws(MFAError) -> String {
        guard case .text(let v) = value(index) else { throw corrupt(index, "text") }
        return v
    }

    func optionalText(_ index: Int) throws(MFAError) -> String? {
        if case .null = value(index) { return nil }
        return try text(index)
    }

    func integer(_ index: Int) throws(MFAError) -> Int64 {
        guard case .integer(let v) = value(index) else { throw corrupt(index, "an integer") }
        return v
    }

    func optionalInteger(_ index: Int) throws(MFAError) -> Int64? {
        if case .null = value(index) { return nil }
        return try integer(index)
    }

    func blob(_ index: Int) throws(MFAError) -> [UInt8] {
        guard case .blob(let v) = value(index) else { throw corrupt(index, "a blob") }
        return v
    }

    func optionalBlob(_ index: Int) throws(MFAError) -> [UInt8]? {
        if case .null = value(index) { return nil }
        return try blob(index)
    }

    func optionalReal(_ index: Int) throws(MFAError) -> Double? {
        switch value(index) {
        case .null: return nil
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: throw corrupt(index, "a number")
        }
    }

    func bool(_ index: Int) throws(MFAError) -> Bool {
        switch try integer(index) {
        case 0: return false
        case 1: return true
        default: throw corrupt(index, "0 or 1")
        }
    }

    func isNull(_ index: Int) -> Bool {
        if case .null = value(index) { return true }
        return false
    }
}
