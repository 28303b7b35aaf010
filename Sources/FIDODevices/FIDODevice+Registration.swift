import CBOR
internal import CFIDO2
import OpenSSLWrapper

extension FIDODevice {
    /// Registers a new credential, as a browser does for `navigator.credentials.create()`.
    ///
    /// KeyBridge builds `clientDataJSON` (`webauthn.create`, the challenge, the origin, `crossOrigin:
    /// false`), passes its SHA-256 to the key as the clientDataHash, and assembles the attestation object
    /// from the format, the raw authenticator data and the attestation statement libfido2 returns. With a
    /// PIN, libfido2 obtains a pinUvAuthToken and the key verifies the user (the UV flag). A U2F-only key is
    /// driven through U2F register, and the result has `fido-u2f` attestation.
    ///
    /// - Parameters:
    ///   - request: The relying party's parameters.
    ///   - pin: The key's PIN, for user verification; nil for none.
    /// - Returns: The credential, with ``RegistrationResult/jsonBytes()`` the `RegistrationResponseJSON`.
    /// - Throws: ``FIDOError``: ``FIDOError/Code/credentialExcluded`` on an exclude-list hit,
    ///   ``FIDOError/Code/pinRequired``, ``FIDOError/Code/pinInvalid``, ``FIDOError/Code/unsupportedAlgorithm``,
    ///   ``FIDOError/Code/timeout``, ``FIDOError/Code/cancelled``, ``FIDOError/Code/deviceRemoved``, …
    public func makeCredential(_ request: RegistrationRequest, pin: DevicePIN? = nil) async throws(FIDOError)
        -> RegistrationResult
    {
        try request.validate()
        // WebAuthn L3 §5.1.3 steps 13-14: the client data and its hash.
        let clientDataJSON = ClientData.json(
            type: "webauthn.create", challenge: request.challenge, origin: request.origin)
        let clientDataHash = Digest.sha256(clientDataJSON)
        let transports = configuration.transports
        let made = try await perform("makeCredential") {
            (handle: inout DeviceHandle) throws(FIDOError) -> MadeCredential in
            let bridge = handle.bridge
            let credential = try FIDOObject(.credential)
            return try credential.withPointer { (cred) throws(FIDOError) -> MadeCredential in
                try Self.configure(cred, for: request, clientDataHash: clientDataHash)
                try handle.withDevice { (device) throws(FIDOError) in
                    try LibFIDO2.status("fido_dev_make_cred", bridge: bridge) {
                        withPIN(pin) { fido_dev_make_cred(device, cred, $0) }
                    }
                }
                return MadeCredential(
                    format: Borrowed.string(fido_cred_fmt(cred)) ?? "",
                    authenticatorData: Borrowed.bytes(
                        fido_cred_authdata_raw_ptr(cred), fido_cred_authdata_raw_len(cred)),
                    statement: Borrowed.bytes(fido_cred_attstmt_ptr(cred), fido_cred_attstmt_len(cred)))
            }
        }
        guard !made.format.isEmpty, !made.authenticatorData.isEmpty else {
            throw FIDOError(.invalidResponse, "libfido2 returned no attestation format or authenticator data")
        }
        let rawStatement = made.statement.isEmpty ? [0xA0] : made.statement
        let statement: CBORValue
        do {
            statement = try CBORDecoder().decode(rawStatement)
        } catch {
            throw FIDOError(.invalidResponse, "the attestation statement is not CBOR: \(error.reason)")
        }
        guard let statementMap = statement.mapValue else {
            throw FIDOError(.invalidResponse, "the attestation statement is not a CBOR map")
        }
        return try RegistrationResult(
            request: request, usedPIN: pin != nil, clientDataJSON: clientDataJSON, format: made.format,
            authenticatorData: made.authenticatorData, attestationStatement: statementMap, rawStatement: rawStatement,
            transports: transports)
    }

    /// Sets the request's parameters on a `fido_cred_t`.
    static func configure(_ cred: OpaquePointer, for request: RegistrationRequest, clientDataHash: [UInt8])
        throws(FIDOError)
    {
        try LibFIDO2.status("fido_cred_set_type") { fido_cred_set_type(cred, request.algorithm.rawValue) }
        try LibFIDO2.status("fido_cred_set_clientdata_hash") {
            clientDataHash.withUnsafeBufferPointer { fido_cred_set_clientdata_hash(cred, $0.baseAddress, $0.count) }
        }
        try LibFIDO2.status("fido_cred_set_rp") { fido_cred_set_rp(cred, request.rpID, request.rpName) }
        try LibFIDO2.status("fido_cred_set_user") {
            request.userID.withUnsafeBufferPointer {
                fido_cred_set_user(cred, $0.baseAddress, $0.count, request.userName, request.userDisplayName, nil)
            }
        }
        if request.residentKey {
            try LibFIDO2.status("fido_cred_set_rk") { fido_cred_set_rk(cred, FIDO_OPT_TRUE) }
        }
        for id in request.excludeCredentials {
            try LibFIDO2.status("fido_cred_exclude") {
                id.withUnsafeBufferPointer { fido_cred_exclude(cred, $0.baseAddress, $0.count) }
            }
        }
        // fido_cred_set_extensions replaces the mask; fido_cred_set_prot then adds credProtect to it.
        try LibFIDO2.status("fido_cred_set_extensions") {
            fido_cred_set_extensions(cred, request.hmacSecret ? FIDO_EXT_HMAC_SECRET : 0)
        }
        if let protection = request.credentialProtection {
            try LibFIDO2.status("fido_cred_set_prot") { fido_cred_set_prot(cred, protection.rawValue) }
        }
    }
}

/// What `fido_dev_make_cred` returned, copied out of the `fido_cred_t`.
struct MadeCredential: Sendable {
    let format: String
    let authenticatorData: [UInt8]
    let statement: [UInt8]
}

/// Lends `pin` as a C string (or NULL) for the duration of `body`.
func withPIN<R>(_ pin: DevicePIN?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let pin else { return body(nil) }
    return pin.withCString { body($0) }
}
