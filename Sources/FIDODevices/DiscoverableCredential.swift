/// A discoverable credential stored on a key (credential management, CTAP 2.1 §6.8.4).
public struct DiscoverableCredential: Sendable, Hashable {
    /// The RP ID it belongs to.
    public let rpID: String
    /// The credential ID.
    public let credentialID: [UInt8]
    /// The user handle.
    public let userID: [UInt8]
    /// The user name, when stored.
    public let userName: String?
    /// The user display name, when stored.
    public let userDisplayName: String?
    /// The credential algorithm, when it is one KeyBridge knows.
    public let algorithm: CredentialAlgorithm?
    /// The credential's credProtect level, when the key reports one.
    public let protection: CredentialProtection?

    /// The credential as a JSON object: `rpId`, `credentialId` and `userId` (base64url), `userName`,
    /// `userDisplayName`, `algorithm` (COSE identifier) and `credProtect` (`null` when unknown).
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] { jsonValue.bytes() }

    var jsonValue: OutputJSON {
        .object([
            ("rpId", .string(rpID)), ("credentialId", .base64URL(credentialID)), ("userId", .base64URL(userID)),
            ("userName", userName.map { .string($0) } ?? .null),
            ("userDisplayName", userDisplayName.map { .string($0) } ?? .null),
            ("algorithm", algorithm.map { .int($0.coseIdentifier) } ?? .null),
            ("credProtect", protection.map { .int($0.rawValue) } ?? .null),
        ])
    }

    /// A JSON array of credentials.
    ///
    /// - Parameter credentials: The credentials.
    /// - Returns: The JSON bytes.
    public static func jsonBytes(_ credentials: [DiscoverableCredential]) -> [UInt8] {
        OutputJSON.array(credentials.map(\.jsonValue)).bytes()
    }
}
