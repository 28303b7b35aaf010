/// One assertion as the WebAuthn client (KeyBridge) hands it to a relying party.
///
/// ``jsonBytes()`` is the WebAuthn Level 3 `AuthenticationResponseJSON` document (§5.1), which
/// `keybridge verify authentication` and other verifiers accept.
///
/// - Warning: Nothing here is verified: the relying party verifies it.
public struct AssertionResult: Sendable, Hashable {
    /// The request that produced the assertion.
    public let request: AssertionRequest
    /// Whether a PIN was used (so the key was asked for user verification).
    public let usedPIN: Bool
    /// The credential ID.
    public let credentialID: [UInt8]
    /// The `clientDataJSON` bytes KeyBridge built and hashed.
    public let clientDataJSON: [UInt8]
    /// The authenticator data.
    public let authenticatorData: [UInt8]
    /// The signature over `authenticatorData || SHA-256(clientDataJSON)`.
    public let signature: [UInt8]
    /// The user handle, returned for discoverable credentials.
    public let userHandle: [UInt8]?
    /// The user name stored with a discoverable credential, when the key returned it.
    public let userName: String?
    /// The user display name stored with a discoverable credential, when the key returned it.
    public let userDisplayName: String?
    /// The signature counter in the authenticator data.
    public let signCount: UInt32
    /// The authenticator data flags (UP 0x01, UV 0x04, …).
    public let flags: UInt8
    /// The `hmac-secret` output, decrypted by libfido2, when a salt was given.
    ///
    /// - Warning: A secret: do not log it.
    public let hmacSecret: [UInt8]?

    init(
        request: AssertionRequest, usedPIN: Bool, credentialID: [UInt8], clientDataJSON: [UInt8],
        authenticatorData: [UInt8], signature: [UInt8], userHandle: [UInt8]?, userName: String?,
        userDisplayName: String?, hmacSecret: [UInt8]?
    ) throws(FIDOError) {
        let parsed = try AuthenticatorDataReader(authenticatorData)
        self.request = request
        self.usedPIN = usedPIN
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
        self.userName = userName
        self.userDisplayName = userDisplayName
        self.signCount = parsed.signCount
        self.flags = parsed.flags
        self.hmacSecret = hmacSecret
    }

    /// Whether the user was verified (the UV flag).
    public var userVerified: Bool { flags & 0x04 != 0 }

    /// The `AuthenticationResponseJSON` document (WebAuthn L3 §5.1), UTF-8.
    ///
    /// Members: `id`, `rawId`, `response` (`clientDataJSON`, `authenticatorData`, `signature`, and
    /// `userHandle` when the key returned one), `authenticatorAttachment` (`cross-platform`),
    /// `clientExtensionResults` (empty: the hmac-secret output is a secret for the client, not the RP) and
    /// `type`.
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] {
        jsonValue.bytes()
    }

    /// ``jsonBytes()`` as text.
    public var jsonString: String { jsonValue.text() }

    var jsonValue: OutputJSON {
        var response: [(String, OutputJSON)] = [
            ("clientDataJSON", .base64URL(clientDataJSON)), ("authenticatorData", .base64URL(authenticatorData)),
            ("signature", .base64URL(signature)),
        ]
        if let userHandle { response.append(("userHandle", .base64URL(userHandle))) }
        return .object([
            ("id", .base64URL(credentialID)), ("rawId", .base64URL(credentialID)), ("response", .object(response)),
            ("authenticatorAttachment", .string("cross-platform")), ("clientExtensionResults", .object([])),
            ("type", .string("public-key")),
        ])
    }
}
