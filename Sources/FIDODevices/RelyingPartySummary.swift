/// A relying party that has discoverable credentials on a key (credential management,
/// CTAP 2.1 §6.8.3).
public struct RelyingPartySummary: Sendable, Hashable {
    /// The RP ID.
    public let id: String
    /// The RP name, when the key stored one.
    public let name: String?
    /// SHA-256 of the RP ID, as the key stores it.
    public let idHash: [UInt8]

    /// The summary as a JSON object: `id`, `name` (or `null`), `idHash` (base64url).
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] { jsonValue.bytes() }

    var jsonValue: OutputJSON {
        .object([("id", .string(id)), ("name", name.map { .string($0) } ?? .null), ("idHash", .base64URL(idHash))])
    }

    /// A JSON array of summaries.
    ///
    /// - Parameter summaries: The summaries.
    /// - Returns: The JSON bytes.
    public static func jsonBytes(_ summaries: [RelyingPartySummary]) -> [UInt8] {
        OutputJSON.array(summaries.map(\.jsonValue)).bytes()
    }
}
