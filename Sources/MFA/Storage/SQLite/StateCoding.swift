import FoundationEssentials

/// JSON for the `Codable` state values of `OneTimeCodes` (SMS challenges and ledgers, recovery code sets,
/// throttle state), as the SQLite store keeps them in BLOB columns. Keys are sorted so equal values give
/// equal bytes.
enum StateCoding {
    static func encode<T: Encodable>(_ value: T, _ what: String) throws(MFAError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw MFAError(.invalidArgument, "cannot encode the \(what): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], _ what: String) throws(MFAError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw MFAError(.corruptRecord, "the stored \(what) does not read back: \(error)")
        }
    }
}
