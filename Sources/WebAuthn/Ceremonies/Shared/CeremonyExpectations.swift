import OpenSSLWrapper

/// What a ceremony state fixes for the response: the part both ceremonies share.
struct CeremonyExpectations: Sendable, Hashable {
    /// A random id that makes the state single-use.
    let id: [UInt8]
    let challenge: [UInt8]
    let rpID: String
    let allowedOrigins: [String]
    let allowCrossOrigin: Bool
    /// When not empty, the only top origins accepted for cross-origin calls.
    let allowedTopOrigins: [String]
    let userVerificationRequired: Bool
    let allowedAlgorithms: [COSEAlgorithm]
    /// Unix seconds after which the state is refused.
    let expiresAt: Int64

    /// The base64url text of the challenge as UTF-8, which `clientDataJSON.challenge` must equal.
    let expectedChallengeText: [UInt8]
    /// SHA-256 of the RP ID, which `rpIdHash` must equal.
    let rpIDHash: [UInt8]

    init(
        id: [UInt8], challenge: [UInt8], rpID: String, allowedOrigins: [String], allowCrossOrigin: Bool,
        allowedTopOrigins: [String], userVerificationRequired: Bool, allowedAlgorithms: [COSEAlgorithm],
        expiresAt: Int64
    ) {
        self.id = id
        self.challenge = challenge
        self.rpID = rpID
        self.allowedOrigins = allowedOrigins
        self.allowCrossOrigin = allowCrossOrigin
        self.allowedTopOrigins = allowedTopOrigins
        self.userVerificationRequired = userVerificationRequired
        self.allowedAlgorithms = allowedAlgorithms
        // Kept within ±(2^53 − 1) so the expiry survives the JSON of server-side storage exactly.
        self.expiresAt = min(max(expiresAt, -9_007_199_254_740_991), 9_007_199_254_740_991)
        self.expectedChallengeText = Array(Base64URL.encode(challenge).utf8)
        self.rpIDHash = Digest.sha256(Array(rpID.utf8))
    }

    /// A fresh random state id (16 bytes).
    static func newID() -> [UInt8] { SecureRandom.bytes(16) }

    // MARK: - Server-side storage

    /// Writes the shared members into `object`.
    func write(into object: inout JSONObject) {
        object["id"] = .string(Base64URL.encode(id))
        object["challenge"] = .string(Base64URL.encode(challenge))
        object["rpId"] = .string(rpID)
        object["origins"] = .array(allowedOrigins.map { .string($0) })
        object["allowCrossOrigin"] = .bool(allowCrossOrigin)
        object["topOrigins"] = .array(allowedTopOrigins.map { .string($0) })
        object["userVerificationRequired"] = .bool(userVerificationRequired)
        object["algorithms"] = .array(allowedAlgorithms.map { .integer($0.rawValue) })
        object["expiresAt"] = .integer(Int(expiresAt))
    }

    /// Reads the shared members back.
    ///
    /// - Throws: ``WebAuthnError/Code/ceremonyStateInvalid``.
    init(stored object: JSONObject) throws(WebAuthnError) {
        let reader = StoredStateReader(object: object)
        let algorithms = try reader.integers("algorithms").map { COSEAlgorithm(rawValue: $0) }
        let expiresAt = try reader.integer("expiresAt")
        self.init(
            id: try reader.base64URL("id"), challenge: try reader.base64URL("challenge"), rpID: try reader.string("rpId"),
            allowedOrigins: try reader.strings("origins"), allowCrossOrigin: try reader.bool("allowCrossOrigin"),
            allowedTopOrigins: try reader.strings("topOrigins"),
            userVerificationRequired: try reader.bool("userVerificationRequired"), allowedAlgorithms: algorithms,
            expiresAt: Int64(expiresAt))
    }
}
