public import FIDODevices
@_spi(ExpertsOnly) import WebAuthn

/// KeyBridge's relying party as the replay's verifier: `finishRegistration` and `finishAuthentication` on the
/// reproduced JSON documents, through the expert state builders (as `keybridge verify` does), at the step's
/// recording time, with the recording's attestation roots as required trust anchors when it has any.
public struct WebAuthnReplayVerifier: CTAPReplayVerifier {
    /// The name summaries show.
    public let name = "keybridge"

    /// The verifier.
    public init() {}

    /// How long the rebuilt ceremony state lives past the step's time (it is verified at that time).
    static let stateLifetime: Int64 = 300

    private func relyingParty(rpID: String, origin: String, context: CTAPReplayContext) throws(WebAuthnError)
        -> RelyingParty
    {
        var configuration = RelyingParty.Configuration(rpID: rpID, rpName: rpID, allowedOrigins: [origin])
        configuration.clock = .fixed(context.verificationTime)
        configuration.userVerification = context.userVerificationRequired ? .required : .preferred
        if !context.attestationRoots.isEmpty {
            var anchors = TrustAnchorStore()
            for pem in context.attestationRoots { try anchors.add(pem: pem) }
            configuration.attestationVerifier = AttestationVerifier(trustAnchors: anchors) { RequireTrustedAttestation() }
        }
        return RelyingParty(configuration: configuration)
    }

    /// Verifies a replayed registration with `finishRegistration`.
    public func verifyRegistration(_ registration: RegistrationResult, context: CTAPReplayContext) -> CTAPReplayVerdict {
        let request = registration.request
        do {
            let relyingParty = try relyingParty(rpID: request.rpID, origin: request.origin, context: context)
            let state = RegistrationState(
                challenge: request.challenge, rpID: request.rpID, allowedOrigins: [request.origin],
                requireUserVerification: context.userVerificationRequired,
                excludeCredentials: request.excludeCredentials, userHandle: request.userID,
                expiresAt: context.verificationTime + Self.stateLifetime)
            let response = try RegistrationResponseJSON(jsonBytes: registration.jsonBytes())
            let record = try relyingParty.finishRegistration(response, state: state)
            guard record.id == registration.credentialID, record.publicKeyBytes == registration.publicKeyCOSE else {
                return .rejected(
                    code: "record-mismatch",
                    reason: "the verified record's credential ID or public key is not the one libfido2 returned")
            }
            return .accepted
        } catch {
            return .rejected(code: error.code.rawValue, reason: error.reason)
        }
    }

    /// Verifies a replayed assertion with `finishAuthentication`.
    public func verifyAuthentication(
        _ assertion: AssertionResult, credential: CTAPReplayCredential, context: CTAPReplayContext
    ) -> CTAPReplayVerdict {
        let request = assertion.request
        do {
            let relyingParty = try relyingParty(rpID: request.rpID, origin: request.origin, context: context)
            let record = CredentialRecord(
                uncheckedID: credential.id, publicKey: try COSEKey(encoded: credential.publicKeyCOSE),
                signCount: credential.signCount, userHandle: credential.userHandle)
            let state = AuthenticationState(
                challenge: request.challenge, rpID: request.rpID, allowedOrigins: [request.origin],
                requireUserVerification: context.userVerificationRequired, allowCredentials: request.allowCredentials,
                userIdentified: !request.allowCredentials.isEmpty,
                expiresAt: context.verificationTime + Self.stateLifetime)
            let response = try AuthenticationResponseJSON(jsonBytes: assertion.jsonBytes())
            _ = try relyingParty.finishAuthentication(response, state: state, credential: record)
            return .accepted
        } catch {
            return .rejected(code: error.code.rawValue, reason: error.reason)
        }
    }
}
