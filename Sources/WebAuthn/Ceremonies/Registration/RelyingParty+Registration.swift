import OpenSSLWrapper

extension RelyingParty {
    /// Verifies a registration response (WebAuthn L3 §7.1, every step) and returns the credential record to store.
    ///
    /// The state is consumed first, whatever the outcome. Then, in specification order: client data type,
    /// challenge, origin, cross-origin and top origin; the attestation object and authenticator data; the
    /// credential ID against `id`/`rawId`; RP ID hash; UP; UV where required; BE/BS consistency; the algorithm;
    /// the attestation statement, its trust and the attestation policy (through
    /// ``Configuration/attestationVerifier``); and the excluded credentials.
    ///
    /// The relying party must still make sure the credential ID is not registered to any user (§7.1 step 26)
    /// before storing the record; `excludeCredentials` covers only the user's own credentials.
    ///
    /// - Parameters:
    ///   - response: The parsed `RegistrationResponseJSON`.
    ///   - state: The state from ``startRegistration(user:excludeCredentials:)``.
    /// - Returns: The new credential record.
    /// - Throws: ``WebAuthnError`` with the code of the first check that failed.
    public func finishRegistration(
        _ response: RegistrationResponseJSON, state: RegistrationState
    ) throws(WebAuthnError) -> CredentialRecord {
        let expected = state.expectations
        try consume(expected)

        // WebAuthn L3 §7.1 step 3: the response is an AuthenticatorAttestationResponse. RegistrationResponseJSON
        // holds exactly that; its parser also checked that type is "public-key" and id equals rawId (§5.1).
        // WebAuthn L3 §7.1 step 4: clientExtensionResults are response.clientExtensionResults.

        // WebAuthn L3 §7.1 steps 5 and 6: UTF-8 decode clientDataJSON and parse it as C.
        let clientData = try CollectedClientData(bytes: response.clientDataJSON)

        // WebAuthn L3 §7.1 steps 7 to 11: type, challenge, origin, crossOrigin, topOrigin.
        try verifyClientData(clientData, expectedType: "webauthn.create", expected)

        // WebAuthn L3 §7.1 step 12: hash is SHA-256 of clientDataJSON.
        let clientDataHash = Digest.sha256(response.clientDataJSON)

        // WebAuthn L3 §7.1 step 13: decode the attestation object into fmt, authData and attStmt. The
        // authenticator data parser refuses trailing bytes, flags that disagree with the content, and credential
        // IDs over 1023 bytes (step 25).
        let attestationObject = try AttestationObject(bytes: response.attestationObject)
        let authData = attestationObject.authenticatorData
        guard let attested = authData.attestedCredentialData else {
            throw WebAuthnError(.attestedCredentialDataMissing, "the registration's authenticator data has no attested credential data")
        }
        // The credential's id and rawId must name the credential ID in the authenticator data.
        guard attested.credentialID == response.rawID else {
            throw WebAuthnError(.credentialIDMismatch, "rawId is not the credential ID in the authenticator data")
        }

        // WebAuthn L3 §7.1 step 14: rpIdHash is SHA-256 of the RP ID.
        guard authData.rpIDHash == expected.rpIDHash else {
            throw WebAuthnError(.rpIDMismatch, "rpIdHash is not SHA-256 of \"\(expected.rpID)\"")
        }
        // WebAuthn L3 §7.1 step 15: UP is set (this relying party does not create credentials conditionally).
        guard authData.flags.contains(.userPresent) else {
            throw WebAuthnError(.userNotPresent, "the UP flag is not set")
        }
        // WebAuthn L3 §7.1 step 16: UV is set when the relying party requires user verification.
        if expected.userVerificationRequired, !authData.flags.contains(.userVerified) {
            throw WebAuthnError(.userNotVerified, "user verification is required and the UV flag is not set")
        }
        // WebAuthn L3 §7.1 step 17: if BE is not set, BS is not set.
        if authData.flags.contains(.backupState), !authData.flags.contains(.backupEligible) {
            throw WebAuthnError(.backupStateInconsistent, "the BS flag is set without the BE flag")
        }
        // WebAuthn L3 §7.1 steps 18 and 19: BE and BS go into the record for the relying party's policies.
        let backupEligible = authData.flags.contains(.backupEligible)
        let backupState = authData.flags.contains(.backupState)

        // WebAuthn L3 §7.1 step 20: the credential public key's alg is one the options offered. Parsing the key
        // checks kty/crv against alg, the point or modulus, and refuses RS1 unless allowed.
        let publicKey = try COSEKey(encoded: attested.credentialPublicKey, allowRS1: configuration.allowRS1)
        guard expected.allowedAlgorithms.contains(publicKey.algorithm) else {
            throw WebAuthnError(.algorithmNotAllowed, "credential algorithm \(publicKey.algorithm) was not offered")
        }

        // WebAuthn L3 §7.1 steps 21 to 24: determine the format, run its verification procedure over attStmt,
        // authData and hash, then judge the trust path against the anchors and the attestation policy.
        let attestation = try configuration.attestationVerifier.verify(
            AttestationContext(
                format: attestationObject.format, statement: attestationObject.statement, authenticatorData: authData,
                clientDataHash: clientDataHash, credentialPublicKey: publicKey,
                verificationTime: configuration.clock.now(), allowRS1: configuration.allowRS1))

        // WebAuthn L3 §7.1 step 25: the credential ID is at most 1023 bytes (refused by the parser at step 13).

        // WebAuthn L3 §7.1 step 26: the credential is not already registered, as far as this ceremony knows.
        if state.excludeCredentialIDs.contains(attested.credentialID) {
            throw WebAuthnError(.credentialExcluded, "the new credential is in excludeCredentials")
        }

        // WebAuthn L3 §7.1 step 27: the new credential record.
        let record = CredentialRecord(
            uncheckedID: attested.credentialID, publicKey: publicKey, signCount: authData.signCount,
            aaguid: attested.aaguid, attestationFormat: attestation.format, attestationType: attestation.type,
            attestationTrusted: attestation.isTrusted, transports: response.transports,
            userVerified: authData.flags.contains(.userVerified), backupEligible: backupEligible,
            backupState: backupState, userHandle: state.userHandle)

        // WebAuthn L3 §7.1 step 28: no extension outputs need processing (credProps is informational).
        // WebAuthn L3 §7.1 step 29: the caller stores the record.
        return record
    }
}
