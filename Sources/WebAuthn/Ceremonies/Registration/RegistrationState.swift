/// The server-side state of a registration ceremony between ``RelyingParty/startRegistration(user:excludeCredentials:)``
/// and ``RelyingParty/finishRegistration(_:state:)``.
///
/// It fixes what the response must match: the challenge, RP ID, allowed origins and top origins, the user
/// verification requirement, the algorithms, the credentials to exclude, the user handle and the expiry. Its
/// fields are not public, so the client cannot shape it; keep it on the server (in memory, or serialized with
/// ``serializedForServerStorage()`` in a session store) and never send it to the browser.
public struct RegistrationState: Sendable, Hashable {
    let expectations: CeremonyExpectations
    let excludeCredentialIDs: [[UInt8]]
    let userHandle: [UInt8]?

    init(expectations: CeremonyExpectations, excludeCredentialIDs: [[UInt8]], userHandle: [UInt8]?) {
        self.expectations = expectations
        self.excludeCredentialIDs = excludeCredentialIDs
        self.userHandle = userHandle
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
        object["ceremony"] = .string("registration")
        expectations.write(into: &object)
        object["excludeCredentials"] = .array(excludeCredentialIDs.map { .string(Base64URL.encode($0)) })
        object["userHandle"] = userHandle.map { .string(Base64URL.encode($0)) } ?? .null
        return JSONWriter.bytes(.object(object))
    }

    /// Reads a state written by ``serializedForServerStorage()``.
    ///
    /// - Throws: ``WebAuthnError/Code/ceremonyStateInvalid`` for bytes that are not such a state.
    public init(serverStorage bytes: [UInt8]) throws(WebAuthnError) {
        let reader = try StoredStateReader.open(bytes, kind: "registration")
        self.init(
            expectations: try CeremonyExpectations(stored: reader.object),
            excludeCredentialIDs: try reader.base64URLs("excludeCredentials"),
            userHandle: try reader.optionalBase64URL("userHandle"))
    }
}

extension RegistrationState {
    /// A state built from explicit values, for tools that verify a response to options made elsewhere (the
    /// `keybridge verify registration` command).
    ///
    /// - Warning: This bypasses ``RelyingParty/startRegistration(user:excludeCredentials:)``: the caller vouches
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
    ///   - excludeCredentials: Credential IDs the new credential must not be.
    ///   - userHandle: The user handle to put in the record, if known.
    ///   - expiresAt: The expiry, in Unix seconds (compared with the relying party's clock).
    @_spi(ExpertsOnly)
    public init(
        challenge: [UInt8], rpID: String, allowedOrigins: [String], requireUserVerification: Bool,
        allowCrossOrigin: Bool = false, allowedTopOrigins: [String] = [],
        allowedAlgorithms: [COSEAlgorithm] = RelyingParty.Configuration.defaultAlgorithms,
        excludeCredentials: [[UInt8]] = [], userHandle: [UInt8]? = nil, expiresAt: Int64
    ) {
        self.init(
            expectations: CeremonyExpectations(
                id: CeremonyExpectations.newID(), challenge: challenge, rpID: rpID, allowedOrigins: allowedOrigins,
                allowCrossOrigin: allowCrossOrigin, allowedTopOrigins: allowedTopOrigins,
                userVerificationRequired: requireUserVerification, allowedAlgorithms: allowedAlgorithms,
                expiresAt: expiresAt),
            excludeCredentialIDs: excludeCredentials, userHandle: userHandle)
    }
}
