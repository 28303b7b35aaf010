import OpenSSLWrapper

/// The server-side state of an authentication ceremony between
/// ``RelyingParty/startAuthentication(allowCredentials:appID:)`` and
/// ``RelyingParty/finishAuthentication(_:state:credential:)``.
///
/// It fixes what the response must match: the challenge, RP ID (and AppID), allowed origins and top origins, the
/// user verification requirement, the algorithms, the allowed credentials, whether the user was identified
/// beforehand, and the expiry. Keep it on the server; never send it to the browser.
public struct AuthenticationState: Sendable, Hashable {
    let expectations: CeremonyExpectations
    let allowCredentialIDs: [[UInt8]]
    /// Whether the user was identified before the ceremony (WebAuthn L3 §7.2 step 6): if not, the response must
    /// carry a user handle.
    let userIdentified: Bool
    let appID: String?
    /// SHA-256 of the AppID, which `rpIdHash` equals when the client used the `appid` extension.
    let appIDHash: [UInt8]?

    init(expectations: CeremonyExpectations, allowCredentialIDs: [[UInt8]], userIdentified: Bool, appID: String?) {
        self.expectations = expectations
        self.allowCredentialIDs = allowCredentialIDs
        self.userIdentified = userIdentified
        self.appID = appID
        self.appIDHash = appID.map { Digest.sha256(Array($0.utf8)) }
    }

    /// When the state expires, in Unix seconds (for a session store's time-to-live).
    public var expiresAt: Int64 { expectations.expiresAt }

    /// The state as bytes for a server-side store.
    ///
    /// - Warning: The bytes hold the challenge and are not authenticated: store them where only the server can
    ///   read and write them, never in a cookie or a page.
    public func serializedForServerStorage() -> [UInt8] {
        var object = JSONObject()
        object["version"] = .integer(1)
        object["ceremony"] = .string("authentication")
        expectations.write(into: &object)
        object["allowCredentials"] = .array(allowCredentialIDs.map { .string(Base64URL.encode($0)) })
        object["userIdentified"] = .bool(userIdentified)
        object["appId"] = appID.map { .string($0) } ?? .null
        return JSONWriter.bytes(.object(object))
    }

    /// Reads a state written by ``serializedForServerStorage()``.
    ///
    /// - Throws: ``WebAuthnError/Code/ceremonyStateInvalid`` for bytes that are not such a state.
    public init(serverStorage bytes: [UInt8]) throws(WebAuthnError) {
        let reader = try StoredStateReader.open(bytes, kind: "authentication")
        self.init(
            expectations: try CeremonyExpectations(stored: reader.object),
            allowCredentialIDs: try reader.base64URLs("allowCredentials"),
            userIdentified: try reader.bool("userIdentified"), appID: try reader.optionalString("appId"))
    }
}

extension AuthenticationState {
    /// A state built from explicit values, for tools that verify a response to options made elsewhere (the
    /// `keybridge verify authentication` command).
    ///
    /// - Warning: This bypasses ``RelyingParty/startAuthentication(allowCredentials:appID:)``: the caller vouches
    ///   that `challenge` was random, sent once, and is not reused.
    ///
    /// - Parameters:
    ///   - challenge: The challenge that was sent.
    ///   - rpID: The RP ID.
    ///   - allowedOrigins: The origins the response may come from.
    ///   - requireUserVerification: Whether the UV flag is mandatory.
    ///   - allowCrossOrigin: Whether `crossOrigin: true` is accepted.
    ///   - allowedTopOrigins: When not empty, the top origins accepted for cross-origin responses.
    ///   - allowedAlgorithms: The acceptable credential algorithms.
    ///   - allowCredentials: When not empty, the only credential IDs that may answer.
    ///   - userIdentified: Whether the caller identified the user beforehand (true when it looked the credential
    ///     up for a known account); when false the response must carry a user handle.
    ///   - appID: The FIDO AppID accepted when the client used the `appid` extension.
    ///   - expiresAt: The expiry, in Unix seconds (compared with the relying party's clock).
    @_spi(ExpertsOnly)
    public init(
        challenge: [UInt8], rpID: String, allowedOrigins: [String], requireUserVerification: Bool,
        allowCrossOrigin: Bool = false, allowedTopOrigins: [String] = [],
        allowedAlgorithms: [COSEAlgorithm] = RelyingParty.Configuration.defaultAlgorithms,
        allowCredentials: [[UInt8]] = [], userIdentified: Bool = true, appID: String? = nil, expiresAt: Int64
    ) {
        self.init(
            expectations: CeremonyExpectations(
                id: CeremonyExpectations.newID(), challenge: challenge, rpID: rpID, allowedOrigins: allowedOrigins,
                allowCrossOrigin: allowCrossOrigin, allowedTopOrigins: allowedTopOrigins,
                userVerificationRequired: requireUserVerification, allowedAlgorithms: allowedAlgorithms,
                expiresAt: expiresAt),
            allowCredentialIDs: allowCredentials, userIdentified: userIdentified, appID: appID)
    }
}
