import OpenSSLWrapper

extension RelyingParty {
    /// Verifies an authentication response (WebAuthn L3 §7.2, every step) against the stored credential record.
    ///
    /// The state is consumed first, whatever the outcome. Then, in specification order: allowCredentials; the
    /// credential and user handle; client data type, challenge, origin, cross-origin and top origin; RP ID hash
    /// (or the AppID's, when the client used `appid`); UP; UV where required; BE/BS consistency and BE against
    /// the record; the algorithm; the signature; and only then the signature counter (an unauthenticated counter
    /// or flag is never trusted).
    ///
    /// - Parameters:
    ///   - response: The parsed `AuthenticationResponseJSON`.
    ///   - state: The state from ``startAuthentication(allowCredentials:appID:)``.
    ///   - credential: The stored record whose ID is `response.rawID` (the caller looks it up by that ID, or by
    ///     the user handle for a discoverable-credential sign-in).
    /// - Returns: The result, with the record updated; store it when ``AuthenticationResult/needsUpdate``.
    /// - Throws: ``WebAuthnError`` with the code of the first check that failed.
    public func finishAuthentication(
        _ response: AuthenticationResponseJSON, state: AuthenticationState, credential: CredentialRecord
    ) throws(WebAuthnError) -> AuthenticationResult {
        let expected = state.expectations
        try consume(expected)

        // WebAuthn L3 §7.2 step 3: the response is an AuthenticatorAssertionResponse. AuthenticationResponseJSON
        // holds exactly that; its parser also checked that type is "public-key" and id equals rawId (§5.1).
        // WebAuthn L3 §7.2 step 4: clientExtensionResults are response.clientExtensionResults.
        let usedAppID = response.clientExtensionResults.appid == true

        // WebAuthn L3 §7.2 step 5: a non-empty allowCredentials names the credential.
        if !state.allowCredentialIDs.isEmpty, !state.allowCredentialIDs.contains(response.rawID) {
            throw WebAuthnError(.credentialNotAllowed, "the credential is not in allowCredentials")
        }

        // WebAuthn L3 §7.2 step 6: the credential record is the one for rawId, and the user handle (required
        // when the user was not identified beforehand) is the account's.
        guard credential.id == response.rawID else {
            throw WebAuthnError(.credentialIDMismatch, "rawId is not the ID of the credential record")
        }
        if let handle = response.userHandle {
            if let owner = credential.userHandle, owner != handle {
                throw WebAuthnError(.userHandleMismatch, "userHandle is not the credential owner's")
            }
        } else if !state.userIdentified {
            throw WebAuthnError(.userHandleMismatch, "userHandle is missing and the user was not identified beforehand")
        }

        // WebAuthn L3 §7.2 steps 7 to 9: cData, authData and sig; UTF-8 decode cData and parse it as C.
        let clientData = try CollectedClientData(bytes: response.clientDataJSON)

        // WebAuthn L3 §7.2 steps 10 to 14: type, challenge, origin, crossOrigin, topOrigin.
        try verifyClientData(clientData, expectedType: "webauthn.get", expected)

        // WebAuthn L3 §7.2 step 7: authData, parsed strictly (no trailing bytes; ED exactly when extensions
        // follow). An assertion carries no attested credential data: this verifier does not take attestation
        // during authentication (§7.2 step 24 is optional).
        let authData = try AuthenticatorData(bytes: response.authenticatorData)
        guard authData.attestedCredentialData == nil else {
            throw WebAuthnError(.unexpectedAttestedCredentialData, "the assertion's authenticator data has the AT flag set")
        }

        // WebAuthn L3 §7.2 step 15: rpIdHash is SHA-256 of the RP ID, or of the AppID when the client used the
        // appid extension (§10.1.1).
        if usedAppID {
            guard let appIDHash = state.appIDHash else {
                throw WebAuthnError(.extensionInvalid, "the client reports appid, but the ceremony set no AppID")
            }
            guard authData.rpIDHash == appIDHash else {
                throw WebAuthnError(.rpIDMismatch, "rpIdHash is not SHA-256 of the AppID \"\(state.appID ?? "")\"")
            }
        } else {
            guard authData.rpIDHash == expected.rpIDHash else {
                throw WebAuthnError(.rpIDMismatch, "rpIdHash is not SHA-256 of \"\(expected.rpID)\"")
            }
        }
        // WebAuthn L3 §7.2 step 16: UP is set.
        guard authData.flags.contains(.userPresent) else {
            throw WebAuthnError(.userNotPresent, "the UP flag is not set")
        }
        // WebAuthn L3 §7.2 step 17: UV is set when user verification is required.
        let userVerified = authData.flags.contains(.userVerified)
        if expected.userVerificationRequired, !userVerified {
            throw WebAuthnError(.userNotVerified, "user verification is required and the UV flag is not set")
        }
        // WebAuthn L3 §7.2 step 18: if BE is not set, BS is not set.
        let currentBE = authData.flags.contains(.backupEligible)
        let currentBS = authData.flags.contains(.backupState)
        if currentBS, !currentBE {
            throw WebAuthnError(.backupStateInconsistent, "the BS flag is set without the BE flag")
        }
        // WebAuthn L3 §7.2 step 19: BE is fixed at registration; it must match the record when the record knows it.
        if let storedBE = credential.backupEligible, storedBE != currentBE {
            throw WebAuthnError(
                .backupEligibilityChanged, "the BE flag is \(currentBE) but the credential registered with \(storedBE)")
        }

        // The credential's algorithm must still be acceptable (RS1 only while allowed).
        let publicKey = credential.publicKey
        guard expected.allowedAlgorithms.contains(publicKey.algorithm),
            publicKey.algorithm != .rs1 || configuration.allowRS1
        else {
            throw WebAuthnError(.algorithmNotAllowed, "credential algorithm \(publicKey.algorithm) is not allowed")
        }

        // WebAuthn L3 §7.2 step 20: hash is SHA-256 of cData.
        let clientDataHash = Digest.sha256(response.clientDataJSON)

        // WebAuthn L3 §7.2 step 21: sig is a valid signature over authData || hash, with the stored public key.
        guard Self.verifyAssertionSignature(
            response.signature, authenticatorData: response.authenticatorData, clientDataHash: clientDataHash,
            key: publicKey)
        else {
            throw WebAuthnError(.signatureInvalid, "the assertion signature does not verify")
        }

        // WebAuthn L3 §7.2 step 22: the signature counter, looked at only now that the signature has verified.
        let stored = credential.signCount
        let received = authData.signCount
        var counterRegressed = false
        if (stored != 0 || received != 0) && received <= stored {
            switch configuration.counterPolicy {
            case .strict: throw WebAuthnError.counterRegression(stored: stored, received: received)
            case .relaxed: counterRegressed = true
            }
        }

        // WebAuthn L3 §7.2 step 23: no extension outputs need processing beyond appid (step 15).

        // WebAuthn L3 §7.2 step 24: update the record: signCount, BS, BE (when it was unknown) and whether the
        // user has been verified.
        var record = credential
        if !counterRegressed { record.signCount = received }
        record.backupEligible = currentBE
        record.backupState = currentBS
        record.userVerified = (credential.userVerified ?? false) || userVerified
        let needsUpdate =
            record.signCount != credential.signCount || record.backupEligible != credential.backupEligible
            || record.backupState != credential.backupState || record.userVerified != credential.userVerified

        return AuthenticationResult(
            record: record, needsUpdate: needsUpdate, counterRegressed: counterRegressed, userVerified: userVerified,
            userHandle: response.userHandle, usedAppID: usedAppID)
    }

    /// Verifies an assertion signature over `authenticatorData || clientDataHash` with the cached key.
    ///
    /// For ECDSA and RSA the message is hashed here once and the digest is verified, which skips OpenSSL's
    /// streaming digest setup; EdDSA signs the message itself.
    static func verifyAssertionSignature(
        _ signature: [UInt8], authenticatorData: [UInt8], clientDataHash: [UInt8], key: COSEKey
    ) -> Bool {
        var message = authenticatorData
        message.append(contentsOf: clientDataHash)
        let scheme = key.signatureScheme
        switch scheme {
        case .ecdsa(let digest), .rsaPKCS1v15(let digest), .rsaPSS(let digest):
            return key.evpKey.verify(signature: signature, digest: Digest.hash(digest, message), scheme: scheme)
        case .eddsa:
            return key.evpKey.verify(signature: signature, message: message, scheme: scheme)
        }
    }
}
