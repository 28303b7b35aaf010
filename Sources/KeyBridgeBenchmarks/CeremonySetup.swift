@_spi(ExpertsOnly) import WebAuthn

/// The relying party's side of every ceremony the benchmark runs: the challenge, the configuration and fresh
/// single-use states.
struct CeremonySetup: Sendable {
    static let rpID = "example.org"
    static let origin = "https://example.org"
    /// How long a ceremony state lives.
    static let stateLifetime: Int64 = 300

    let challenge: [UInt8]
    /// The root of the packed-full chain.
    let trustAnchors: TrustAnchorStore

    /// The relying-party configuration every row uses: the default one, plus the packed-full root as anchor.
    var configuration: RelyingParty.Configuration {
        var configuration = RelyingParty.Configuration(
            rpID: Self.rpID, rpName: "KeyBridge benchmark", allowedOrigins: [Self.origin])
        configuration.attestationVerifier = AttestationVerifier(trustAnchors: trustAnchors)
        return configuration
    }

    /// A fresh single-use authentication state for the benchmark challenge, as a server makes per sign-in.
    func authenticationState(allowing credentialID: [UInt8]) -> AuthenticationState {
        AuthenticationState(
            challenge: challenge, rpID: Self.rpID, allowedOrigins: [Self.origin], requireUserVerification: false,
            allowCredentials: [credentialID], expiresAt: WebAuthnClock.system.now() + Self.stateLifetime)
    }

    /// A fresh single-use registration state for the benchmark challenge.
    func registrationState() -> RegistrationState {
        RegistrationState(
            challenge: challenge, rpID: Self.rpID, allowedOrigins: [Self.origin], requireUserVerification: false,
            userHandle: Array("user-1".utf8), expiresAt: WebAuthnClock.system.now() + Self.stateLifetime)
    }
}
