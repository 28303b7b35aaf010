import FIDODevices
@_spi(ExpertsOnly) import WebAuthn

/// Verifies what FIDODevices produced with KeyBridge's relying party, from the JSON documents alone (as
/// `keybridge verify` does).
enum RelyingPartyCheck {
    static let algorithms: [COSEAlgorithm] = [.es256, .eddsa, .rs256]

    static func relyingParty(rpID: String, rootPEM: String?, requireTrusted: Bool) throws -> RelyingParty {
        var configuration = RelyingParty.Configuration(rpID: rpID, rpName: rpID, allowedOrigins: ["https://\(rpID)"])
        configuration.allowedAlgorithms = algorithms
        if let rootPEM {
            let store = try TrustAnchorStore(pem: rootPEM)
            configuration.attestationVerifier =
                requireTrusted
                ? AttestationVerifier(trustAnchors: store) { RequireTrustedAttestation() }
                : AttestationVerifier(trustAnchors: store)
        }
        return RelyingParty(configuration: configuration)
    }

    /// finishRegistration on the RegistrationResponseJSON.
    static func verify(
        _ registration: RegistrationResult, rootPEM: String? = nil, requireTrusted: Bool = false,
        requireUserVerification: Bool = false
    ) throws -> CredentialRecord {
        let request = registration.request
        let relyingParty = try relyingParty(rpID: request.rpID, rootPEM: rootPEM, requireTrusted: requireTrusted)
        let state = RegistrationState(
            challenge: request.challenge, rpID: request.rpID, allowedOrigins: [request.origin],
            requireUserVerification: requireUserVerification, allowedAlgorithms: algorithms,
            expiresAt: relyingParty.configuration.clock.now() + 300)
        let response = try RegistrationResponseJSON(jsonBytes: registration.jsonBytes())
        return try relyingParty.finishRegistration(response, state: state)
    }

    /// finishAuthentication on the AuthenticationResponseJSON.
    static func verify(
        _ assertion: AssertionResult, record: CredentialRecord, requireUserVerification: Bool = false
    ) throws -> AuthenticationResult {
        let request = assertion.request
        let relyingParty = try relyingParty(rpID: request.rpID, rootPEM: nil, requireTrusted: false)
        let state = AuthenticationState(
            challenge: request.challenge, rpID: request.rpID, allowedOrigins: [request.origin],
            requireUserVerification: requireUserVerification, allowedAlgorithms: algorithms,
            allowCredentials: request.allowCredentials.isEmpty ? [] : request.allowCredentials,
            userIdentified: !request.allowCredentials.isEmpty,
            expiresAt: relyingParty.configuration.clock.now() + 300)
        let response = try AuthenticationResponseJSON(jsonBytes: assertion.jsonBytes())
        return try relyingParty.finishAuthentication(response, state: state, credential: record)
    }
}
