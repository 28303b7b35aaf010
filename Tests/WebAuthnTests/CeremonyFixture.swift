import WebAuthn
import _TestSupport

/// A relying party for `example.org` with a fake clock and chosen challenges, and a test authenticator.
struct CeremonyFixture {
    static let registrationChallenge: [UInt8] = Array(repeating: 0xC1, count: 32)
    static let authenticationChallenge: [UInt8] = Array(repeating: 0xA5, count: 32)

    let clock = FakeClock()
    /// Shared by every relying party of the fixture: ``registrationChallenge`` first, then
    /// ``authenticationChallenge`` for every later ceremony.
    let challenges = FixedChallengeGenerator([Self.registrationChallenge, Self.authenticationChallenge])
    var authenticator = TestAuthenticator()

    /// A relying party for `example.org` and `login.example.org` on the fixture's clock and challenges.
    func relyingParty(_ adjust: (inout RelyingParty.Configuration) -> Void = { _ in }) -> RelyingParty {
        var configuration = RelyingParty.Configuration(
            rpID: "example.org", rpName: "Example", allowedOrigins: ["https://example.org", "https://login.example.org"])
        configuration.clock = clock.clock
        configuration.challengeGenerator = challenges.generator
        adjust(&configuration)
        return RelyingParty(configuration: configuration)
    }

    /// Runs a registration with `knobs` through `rp`.
    func register(
        _ rp: RelyingParty, knobs: TestAuthenticator.RegistrationKnobs = .init(),
        excludeCredentials: [PublicKeyCredentialDescriptor] = []
    ) throws(WebAuthnError) -> CredentialRecord {
        let user = PublicKeyCredentialUserEntity(id: Array("user-1".utf8), name: "alice@example.org", displayName: "Alice")
        let (options, state) = rp.startRegistration(user: user, excludeCredentials: excludeCredentials)
        let json = authenticator.registrationResponse(challenge: options.challenge, knobs: knobs)
        return try rp.finishRegistration(try RegistrationResponseJSON(jsonBytes: json), state: state)
    }

    /// A registered record for the fixture's authenticator, made by a separate relying party.
    func registeredRecord(knobs: TestAuthenticator.RegistrationKnobs = .init()) throws(WebAuthnError) -> CredentialRecord {
        try register(relyingParty(), knobs: knobs)
    }

    /// Runs an authentication with `knobs` through `rp` against `record`.
    mutating func authenticate(
        _ rp: RelyingParty, record: CredentialRecord, knobs: TestAuthenticator.AssertionKnobs = .init(),
        allowCredentials: [PublicKeyCredentialDescriptor]? = nil, appID: String? = nil
    ) throws(WebAuthnError) -> AuthenticationResult {
        let (options, state) = rp.startAuthentication(
            allowCredentials: allowCredentials ?? [record.descriptor], appID: appID)
        let json = authenticator.authenticationResponse(challenge: options.challenge, knobs: knobs)
        return try rp.finishAuthentication(try AuthenticationResponseJSON(jsonBytes: json), state: state, credential: record)
    }
}
