import CBOR
internal import CFIDO2
import OpenSSLWrapper

extension FIDODevice {
    /// Gets assertions, as a browser does for `navigator.credentials.get()`.
    ///
    /// KeyBridge builds `clientDataJSON` (`webauthn.get`, the challenge, the origin, `crossOrigin: false`)
    /// and passes its SHA-256 to the key. With an allow list the key signs with the first listed credential
    /// it holds; with none it uses its discoverable credentials for the RP, and libfido2 collects every
    /// one (authenticatorGetNextAssertion), so the result may hold several. With a PIN the key verifies the
    /// user (the UV flag).
    ///
    /// - Parameters:
    ///   - request: The relying party's parameters.
    ///   - pin: The key's PIN, for user verification; nil for none.
    /// - Returns: One assertion per matching credential (at least one), each with
    ///   ``AssertionResult/jsonBytes()`` the `AuthenticationResponseJSON`.
    /// - Throws: ``FIDOError``: ``FIDOError/Code/noCredentials`` when the key holds none of them,
    ///   ``FIDOError/Code/pinRequired``, ``FIDOError/Code/pinInvalid``, ``FIDOError/Code/timeout``,
    ///   ``FIDOError/Code/cancelled``, ``FIDOError/Code/deviceRemoved``, …
    public func getAssertion(_ request: AssertionRequest, pin: DevicePIN? = nil) async throws(FIDOError)
        -> [AssertionResult]
    {
        try request.validate()
        // WebAuthn L3 §5.1.4.1 steps 10-11: the client data and its hash.
        let clientDataJSON = ClientData.json(type: "webauthn.get", challenge: request.challenge, origin: request.origin)
        let clientDataHash = Digest.sha256(clientDataJSON)
        let statements = try await perform("getAssertion") {
            (handle: inout DeviceHandle) throws(FIDOError) -> [AssertionStatement] in
            let bridge = handle.bridge
            let assertion = try FIDOObject(.assertion)
            return try assertion.withPointer { (pointer) throws(FIDOError) -> [AssertionStatement] in
                try Self.configure(pointer, for: request, clientDataHash: clientDataHash)
                try handle.withDevice { (device) throws(FIDOError) in
                    try LibFIDO2.status("fido_dev_get_assert", bridge: bridge) {
                        withPIN(pin) { fido_dev_get_assert(device, pointer, $0) }
                    }
                }
                return (0..<fido_assert_count(pointer)).map { index in
                    AssertionStatement(
                        credentialID: Borrowed.bytes(
                            fido_assert_id_ptr(pointer, index), fido_assert_id_len(pointer, index)),
                        wrappedAuthenticatorData: Borrowed.bytes(
                            fido_assert_authdata_ptr(pointer, index), fido_assert_authdata_len(pointer, index)),
                        signature: Borrowed.bytes(
                            fido_assert_sig_ptr(pointer, index), fido_assert_sig_len(pointer, index)),
                        userID: Borrowed.bytes(
                            fido_assert_user_id_ptr(pointer, index), fido_assert_user_id_len(pointer, index)),
                        userName: Borrowed.string(fido_assert_user_name(pointer, index)),
                        userDisplayName: Borrowed.string(fido_assert_user_display_name(pointer, index)),
                        hmacSecret: Borrowed.bytes(
                            fido_assert_hmac_secret_ptr(pointer, index), fido_assert_hmac_secret_len(pointer, index)))
                }
            }
        }
        guard !statements.isEmpty else { throw FIDOError(.noCredentials, "the key returned no assertion") }
        var results: [AssertionResult] = []
        for statement in statements {
            // libfido2 1.12 keeps the authenticator data as the CBOR byte string the key sent
            // (fido_assert_authdata_ptr); the raw bytes are its content.
            let wrapped: CBORValue
            do {
                wrapped = try CBORDecoder().decode(statement.wrappedAuthenticatorData)
            } catch {
                throw FIDOError(.invalidResponse, "the assertion's authenticator data is not CBOR: \(error.reason)")
            }
            guard let authenticatorData = wrapped.bytesValue else {
                throw FIDOError(.invalidResponse, "the assertion's authenticator data is not a CBOR byte string")
            }
            // CTAP 2.1 §6.2.2: the key may leave out the credential when the allow list has exactly one.
            var credentialID = statement.credentialID
            if credentialID.isEmpty, request.allowCredentials.count == 1 { credentialID = request.allowCredentials[0] }
            guard !credentialID.isEmpty, !statement.signature.isEmpty else {
                throw FIDOError(.invalidResponse, "the assertion has no credential ID or no signature")
            }
            results.append(
                try AssertionResult(
                    request: request, usedPIN: pin != nil, credentialID: credentialID, clientDataJSON: clientDataJSON,
                    authenticatorData: authenticatorData, signature: statement.signature,
                    userHandle: statement.userID.isEmpty ? nil : statement.userID, userName: statement.userName,
                    userDisplayName: statement.userDisplayName,
                    hmacSecret: statement.hmacSecret.isEmpty ? nil : statement.hmacSecret))
        }
        return results
    }

    /// Sets the request's parameters on a `fido_assert_t`.
    static func configure(_ assertion: OpaquePointer, for request: AssertionRequest, clientDataHash: [UInt8])
        throws(FIDOError)
    {
        try LibFIDO2.status("fido_assert_set_clientdata_hash") {
            clientDataHash.withUnsafeBufferPointer {
                fido_assert_set_clientdata_hash(assertion, $0.baseAddress, $0.count)
            }
        }
        try LibFIDO2.status("fido_assert_set_rp") { fido_assert_set_rp(assertion, request.rpID) }
        for id in request.allowCredentials {
            try LibFIDO2.status("fido_assert_allow_cred") {
                id.withUnsafeBufferPointer { fido_assert_allow_cred(assertion, $0.baseAddress, $0.count) }
            }
        }
        // Browsers leave `up` out (the key's default is true); only "no touch" is sent explicitly.
        if !request.userPresence {
            try LibFIDO2.status("fido_assert_set_up") { fido_assert_set_up(assertion, FIDO_OPT_FALSE) }
        }
        if let salt = request.hmacSalt {
            try LibFIDO2.status("fido_assert_set_extensions") {
                fido_assert_set_extensions(assertion, FIDO_EXT_HMAC_SECRET)
            }
            try LibFIDO2.status("fido_assert_set_hmac_salt") {
                salt.withUnsafeBufferPointer { fido_assert_set_hmac_salt(assertion, $0.baseAddress, $0.count) }
            }
        }
    }
}

/// One statement of a `fido_assert_t`, copied out.
struct AssertionStatement: Sendable {
    let credentialID: [UInt8]
    let wrappedAuthenticatorData: [UInt8]
    let signature: [UInt8]
    let userID: [UInt8]
    let userName: String?
    let userDisplayName: String?
    let hmacSecret: [UInt8]
}
