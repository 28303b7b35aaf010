import CBOR
internal import CFIDO2
import OpenSSLWrapper

/// libfido2's own verification of registrations and assertions (`fido_cred_verify`,
/// `fido_cred_verify_self`, `fido_assert_verify`), for cross-checking another verifier.
///
/// Each check builds fresh libfido2 objects from the bytes a result holds (what a relying party would
/// receive), never from the objects that produced them.
///
/// - Warning: libfido2 checks the signature, the RP ID hash, the flags and the extensions; it does not
///   validate the attestation certificate chain, the origin or the challenge. It is a second opinion for
///   tests, not a relying-party verifier: use the `WebAuthn` module for that.
public enum LibFIDO2Verification {
    /// Verifies a registration's attestation with libfido2: `fido_cred_verify` for a statement with `x5c`
    /// (packed full, fido-u2f), `fido_cred_verify_self` for packed self attestation.
    ///
    /// The credential's expected extensions (hmac-secret, credProtect) and user verification come from the
    /// request; libfido2 requires the authenticator data to agree with them.
    ///
    /// - Parameter registration: The registration.
    /// - Throws: ``FIDOError/Code/signatureInvalid`` for a bad signature, ``FIDOError/Code/invalidParameter``
    ///   for a mismatch (RP ID hash, flags, extensions), ``FIDOError/Code/invalidArgument`` for a format
    ///   libfido2 cannot verify (`none`).
    public static func verify(_ registration: RegistrationResult) throws(FIDOError) {
        let request = registration.request
        try verifyRegistration(
            rpID: request.rpID, clientDataJSON: registration.clientDataJSON,
            attestationObject: registration.attestationObject, hmacSecret: request.hmacSecret,
            credentialProtection: request.credentialProtection, userVerified: registration.usedPIN)
    }

    /// Verifies a registration as a relying party receives it (the `clientDataJSON` and `attestationObject`
    /// of a `RegistrationResponseJSON`) with libfido2: `fido_cred_verify` for a statement with `x5c`,
    /// `fido_cred_verify_self` for packed self attestation.
    ///
    /// - Parameters:
    ///   - rpID: The relying party ID the authenticator data's RP ID hash must match.
    ///   - clientDataJSON: The client data; libfido2 gets its SHA-256.
    ///   - attestationObject: The CBOR attestation object (`fmt`, `attStmt`, `authData`).
    ///   - hmacSecret: Whether the hmac-secret extension was asked for (libfido2 requires the output then).
    ///   - credentialProtection: The credProtect level asked for, if any.
    ///   - userVerified: Whether UV was required (libfido2 then requires the UV flag).
    /// - Throws: ``FIDOError/Code/signatureInvalid`` for a bad signature, ``FIDOError/Code/invalidParameter``
    ///   for a mismatch, ``FIDOError/Code/invalidResponse`` for an attestation object that does not parse,
    ///   ``FIDOError/Code/invalidArgument`` for a format libfido2 cannot verify (`none`).
    public static func verifyRegistration(
        rpID: String, clientDataJSON: [UInt8], attestationObject: [UInt8], hmacSecret: Bool = false,
        credentialProtection: CredentialProtection? = nil, userVerified: Bool = false
    ) throws(FIDOError) {
        let decoded: CBORValue
        do {
            decoded = try CBORDecoder().decode(attestationObject)
        } catch {
            throw FIDOError(.invalidResponse, "the attestation object is not CBOR: \(error.reason)")
        }
        guard let object = decoded.mapValue, let format = object[text: "fmt"]?.textValue,
            let statement = object[text: "attStmt"]?.mapValue, let authenticatorData = object[text: "authData"]?.bytesValue
        else {
            throw FIDOError(.invalidResponse, "the attestation object lacks fmt, attStmt or authData")
        }
        guard format == "packed" || format == "fido-u2f" || format == "tpm" else {
            throw FIDOError(.invalidArgument, "libfido2 verifies packed, fido-u2f and tpm attestation, not \(format)")
        }
        guard let cose = try AuthenticatorDataReader(authenticatorData).credentialPublicKey else {
            throw FIDOError(.invalidResponse, "the authenticator data has no attested credential")
        }
        let algorithm = try CredentialPublicKey(cose: cose).algorithm
        let rawStatement = CBOREncoder.encode(.map(statement))
        let clientDataHash = Digest.sha256(clientDataJSON)
        let credential = try FIDOObject(.credential)
        try credential.withPointer { (cred) throws(FIDOError) in
            // The type must precede the authenticator data: libfido2 parses the public key by it.
            try LibFIDO2.status("fido_cred_set_type") { fido_cred_set_type(cred, algorithm.rawValue) }
            try LibFIDO2.status("fido_cred_set_clientdata_hash") {
                clientDataHash.withUnsafeBufferPointer { fido_cred_set_clientdata_hash(cred, $0.baseAddress, $0.count) }
            }
            try LibFIDO2.status("fido_cred_set_rp") { fido_cred_set_rp(cred, rpID, nil) }
            try LibFIDO2.status("fido_cred_set_extensions") {
                fido_cred_set_extensions(cred, hmacSecret ? FIDO_EXT_HMAC_SECRET : 0)
            }
            if let credentialProtection {
                try LibFIDO2.status("fido_cred_set_prot") { fido_cred_set_prot(cred, credentialProtection.rawValue) }
            }
            if userVerified {
                try LibFIDO2.status("fido_cred_set_uv") { fido_cred_set_uv(cred, FIDO_OPT_TRUE) }
            }
            try LibFIDO2.status("fido_cred_set_authdata_raw") {
                authenticatorData.withUnsafeBufferPointer {
                    fido_cred_set_authdata_raw(cred, $0.baseAddress, $0.count)
                }
            }
            try LibFIDO2.status("fido_cred_set_fmt") { fido_cred_set_fmt(cred, format) }
            try LibFIDO2.status("fido_cred_set_attstmt") {
                rawStatement.withUnsafeBufferPointer { fido_cred_set_attstmt(cred, $0.baseAddress, $0.count) }
            }
            if statement[text: "x5c"] != nil {
                try LibFIDO2.status("fido_cred_verify") { fido_cred_verify(cred) }
            } else {
                try LibFIDO2.status("fido_cred_verify_self") { fido_cred_verify_self(cred) }
            }
        }
    }

    /// Verifies an assertion's signature with libfido2 (`fido_assert_verify`), against the credential
    /// public key from its registration.
    ///
    /// libfido2 also requires the RP ID hash to match, the UP flag when the request asked for a touch, the
    /// UV flag when a PIN was used, and the hmac-secret extension output when a salt was given.
    ///
    /// - Parameters:
    ///   - assertion: The assertion.
    ///   - credentialPublicKey: The credential public key, COSE_Key bytes (``RegistrationResult/publicKeyCOSE``).
    /// - Throws: ``FIDOError/Code/signatureInvalid`` for a bad signature, ``FIDOError/Code/invalidParameter``
    ///   for a mismatch, ``FIDOError/Code/invalidResponse`` for a key that is not ES256, EdDSA or RS256.
    public static func verify(_ assertion: AssertionResult, credentialPublicKey: [UInt8]) throws(FIDOError) {
        let request = assertion.request
        try verifyAssertion(
            rpID: request.rpID, clientDataJSON: assertion.clientDataJSON,
            authenticatorData: assertion.authenticatorData, signature: assertion.signature,
            credentialPublicKey: credentialPublicKey, userPresence: request.userPresence,
            userVerified: assertion.usedPIN, hmacSecret: request.hmacSalt != nil)
    }

    /// Verifies an assertion as a relying party receives it (the parts of an `AuthenticationResponseJSON`)
    /// with libfido2's `fido_assert_verify`.
    ///
    /// - Parameters:
    ///   - rpID: The relying party ID the RP ID hash must match.
    ///   - clientDataJSON: The client data; libfido2 gets its SHA-256.
    ///   - authenticatorData: The authenticator data.
    ///   - signature: The assertion signature.
    ///   - credentialPublicKey: The credential public key, COSE_Key bytes.
    ///   - userPresence: Whether the UP flag is required.
    ///   - userVerified: Whether the UV flag is required.
    ///   - hmacSecret: Whether the hmac-secret extension output is required.
    /// - Throws: ``FIDOError/Code/signatureInvalid`` for a bad signature, ``FIDOError/Code/invalidParameter``
    ///   for a mismatch, ``FIDOError/Code/invalidResponse`` for a key that is not ES256, EdDSA or RS256.
    public static func verifyAssertion(
        rpID: String, clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
        credentialPublicKey: [UInt8], userPresence: Bool = true, userVerified: Bool = false, hmacSecret: Bool = false
    ) throws(FIDOError) {
        let key = try CredentialPublicKey(cose: credentialPublicKey)
        let clientDataHash = Digest.sha256(clientDataJSON)
        let object = try FIDOObject(.assertion)
        try object.withPointer { (pointer) throws(FIDOError) in
            try LibFIDO2.status("fido_assert_set_clientdata_hash") {
                clientDataHash.withUnsafeBufferPointer {
                    fido_assert_set_clientdata_hash(pointer, $0.baseAddress, $0.count)
                }
            }
            try LibFIDO2.status("fido_assert_set_rp") { fido_assert_set_rp(pointer, rpID) }
            try LibFIDO2.status("fido_assert_set_count") { fido_assert_set_count(pointer, 1) }
            try LibFIDO2.status("fido_assert_set_authdata_raw") {
                authenticatorData.withUnsafeBufferPointer {
                    fido_assert_set_authdata_raw(pointer, 0, $0.baseAddress, $0.count)
                }
            }
            try LibFIDO2.status("fido_assert_set_sig") {
                signature.withUnsafeBufferPointer { fido_assert_set_sig(pointer, 0, $0.baseAddress, $0.count) }
            }
            try LibFIDO2.status("fido_assert_set_up") {
                fido_assert_set_up(pointer, userPresence ? FIDO_OPT_TRUE : FIDO_OPT_OMIT)
            }
            if userVerified {
                try LibFIDO2.status("fido_assert_set_uv") { fido_assert_set_uv(pointer, FIDO_OPT_TRUE) }
            }
            if hmacSecret {
                try LibFIDO2.status("fido_assert_set_extensions") {
                    fido_assert_set_extensions(pointer, FIDO_EXT_HMAC_SECRET)
                }
            }
            try verifySignature(pointer, key: key)
        }
    }

    /// Loads `key` into the matching libfido2 public key object and runs `fido_assert_verify`.
    private static func verifySignature(_ assertion: OpaquePointer, key: CredentialPublicKey) throws(FIDOError) {
        let kind: FIDOObject.Kind
        switch key.algorithm {
        case .es256: kind = .es256PublicKey
        case .eddsa: kind = .eddsaPublicKey
        case .rs256: kind = .rs256PublicKey
        }
        let publicKey = try FIDOObject(kind)
        try publicKey.withPointer { (pk) throws(FIDOError) in
            let raw = key.libfido2Raw
            switch key.algorithm {
            case .es256:
                try LibFIDO2.status("es256_pk_from_ptr") {
                    raw.withUnsafeBytes { es256_pk_from_ptr(pk, $0.baseAddress, $0.count) }
                }
            case .eddsa:
                try LibFIDO2.status("eddsa_pk_from_ptr") {
                    raw.withUnsafeBytes { eddsa_pk_from_ptr(pk, $0.baseAddress, $0.count) }
                }
            case .rs256:
                try LibFIDO2.status("rs256_pk_from_ptr") {
                    raw.withUnsafeBytes { rs256_pk_from_ptr(pk, $0.baseAddress, $0.count) }
                }
            }
            try LibFIDO2.status("fido_assert_verify") {
                fido_assert_verify(assertion, 0, key.algorithm.rawValue, UnsafeRawPointer(pk))
            }
        }
    }
}
