import OpenSSLWrapper

extension RelyingParty {
    /// The checks both ceremonies make on the collected client data, in specification order:
    /// §7.1 steps 7–11 for registration and §7.2 steps 10–14 for authentication.
    ///
    /// - Parameters:
    ///   - clientData: The parsed `clientDataJSON`.
    ///   - expectedType: `webauthn.create` or `webauthn.get`.
    ///   - expected: The ceremony state's expectations.
    func verifyClientData(
        _ clientData: CollectedClientData, expectedType: String, _ expected: CeremonyExpectations
    ) throws(WebAuthnError) {
        // WebAuthn L3 §7.1 step 7 / §7.2 step 10: C.type is webauthn.create / webauthn.get.
        guard clientData.type == expectedType else {
            throw WebAuthnError(.clientDataTypeMismatch, "clientDataJSON.type is \"\(clientData.type)\", not \"\(expectedType)\"")
        }
        // WebAuthn L3 §7.1 step 8 / §7.2 step 11: C.challenge equals the base64url encoding of the challenge.
        // Compared in constant time: the challenge is the ceremony's secret until it is answered.
        guard constantTimeEquals(Array(clientData.challenge.utf8), expected.expectedChallengeText) else {
            throw WebAuthnError(.challengeMismatch, "clientDataJSON.challenge is not this ceremony's challenge")
        }
        // WebAuthn L3 §7.1 step 9 / §7.2 step 12: C.origin is an origin the relying party expects.
        guard expected.allowedOrigins.contains(clientData.origin) else {
            throw WebAuthnError(.originMismatch, "clientDataJSON.origin \"\(clientData.origin)\" is not an allowed origin")
        }
        // WebAuthn L3 §7.1 step 10 / §7.2 step 13: crossOrigin true only where the relying party expects iframes.
        let crossOrigin = clientData.crossOrigin == true
        if crossOrigin, !expected.allowCrossOrigin {
            throw WebAuthnError(.crossOriginNotAllowed, "clientDataJSON.crossOrigin is true and cross-origin use is not allowed")
        }
        // WebAuthn L3 §7.1 step 11 / §7.2 step 14: a topOrigin must come from an expected cross-origin iframe, and be
        // a page the relying party expects to be framed by (when it named such pages).
        if let topOrigin = clientData.topOrigin {
            guard crossOrigin else {
                throw WebAuthnError(.topOriginMismatch, "clientDataJSON.topOrigin is present but crossOrigin is not true")
            }
            if !expected.allowedTopOrigins.isEmpty, !expected.allowedTopOrigins.contains(topOrigin) {
                throw WebAuthnError(.topOriginMismatch, "clientDataJSON.topOrigin \"\(topOrigin)\" is not an allowed top origin")
            }
        } else if crossOrigin, !expected.allowedTopOrigins.isEmpty {
            throw WebAuthnError(
                .topOriginMismatch, "clientDataJSON.topOrigin is missing and the relying party only allows named top origins")
        }
    }

    /// Refuses an expired state, then marks it used (refusing one used before).
    func consume(_ expected: CeremonyExpectations) throws(WebAuthnError) {
        let now = configuration.clock.now()
        guard now <= expected.expiresAt else {
            throw WebAuthnError(.ceremonyExpired, "the ceremony expired at \(expected.expiresAt) (now \(now))")
        }
        guard ledger.consume(expected.id, expiresAt: expected.expiresAt, now: now) else {
            throw WebAuthnError(.ceremonyAlreadyUsed, "this ceremony state was already used")
        }
    }
}
