/// Entry points for the libFuzzer targets in `Fuzz/`, a separate package that sees only public API.
///
/// Each one reaches a `package` part of the verifier that no public API exposes on its own. They add no
/// behaviour: each calls exactly what the ceremonies call.
///
/// - Warning: For fuzzing and tests only. ``verifyAttestationStatement(_:clientDataHash:verificationTime:allowRS1:verifier:)``
///   skips every ceremony check but the attestation statement's own; never use it to accept a registration.
@_spi(Fuzzing)
public enum FuzzingEntryPoints {
    /// Runs the attestation statement verification of WebAuthn L3 §7.1 steps 20 to 24 over a parsed attestation
    /// object, as ``RelyingParty/finishRegistration(_:state:)`` does after its own checks: the credential public
    /// key is parsed from the attested credential data, then `verifier` runs the format's procedure, trust-path
    /// validation and its policy.
    ///
    /// - Parameters:
    ///   - object: The attestation object.
    ///   - clientDataHash: SHA-256 of `clientDataJSON` (any bytes: a wrong length is an error, not a trap).
    ///   - verificationTime: The time for certificate validity and SafetyNet freshness, in Unix seconds.
    ///   - allowRS1: Whether RS1 is acceptable where the format leaves it to the relying party.
    ///   - verifier: The verifier, with its trust anchors and policy.
    /// - Returns: The validated attestation.
    /// - Throws: ``WebAuthnError/Code/attestedCredentialDataMissing`` without attested credential data, the errors
    ///   of ``COSEKey/init(encoded:allowRS1:)``, and those listed on ``AttestationVerifier``.
    public static func verifyAttestationStatement(
        _ object: AttestationObject, clientDataHash: [UInt8], verificationTime: Int64, allowRS1: Bool = false,
        verifier: AttestationVerifier = AttestationVerifier()
    ) throws(WebAuthnError) -> ValidatedAttestation {
        guard let attested = object.authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "the authenticator data has no attested credential data")
        }
        let key = try COSEKey(encoded: attested.credentialPublicKey, allowRS1: allowRS1)
        return try verifier.verify(
            AttestationContext(
                format: object.format, statement: object.statement, authenticatorData: object.authenticatorData,
                clientDataHash: clientDataHash, credentialPublicKey: key, verificationTime: verificationTime,
                allowRS1: allowRS1))
    }

    /// Parses `bytes` with the module's strict tree JSON parser (the one stored states and credential records
    /// use), for differential checks against the one-pass parsers of the response JSON forms.
    ///
    /// - Parameter bytes: UTF-8 JSON text.
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for anything that is not exactly one JSON value.
    public static func parseJSON(_ bytes: [UInt8]) throws(WebAuthnError) {
        _ = try JSONParser().parse(bytes)
    }
}
