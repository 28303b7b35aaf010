import Testing
@_spi(ExpertsOnly) import WebAuthn
import _TestSupport

@Suite struct CeremonyStateTests {
    let user = PublicKeyCredentialUserEntity(id: Array("user-1".utf8), name: "alice", displayName: "Alice")

    @Test("a registration state is refused after its timeout with ceremony-expired, and accepted just before")
    func registrationExpiry() throws {
        var fixture = CeremonyFixture()
        let rp = fixture.relyingParty { $0.timeoutSeconds = 60 }
        let (options, state) = rp.startRegistration(user: user)
        #expect(state.expiresAt == fixture.clock.now + 60)
        let response = try RegistrationResponseJSON(
            jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge))
        fixture.clock.advance(by: 61)
        #expect(throws: WebAuthnError(.ceremonyExpired, "")) { try rp.finishRegistration(response, state: state) }

        let (options2, state2) = rp.startRegistration(user: user)
        fixture.clock.advance(by: 60)
        let response2 = try RegistrationResponseJSON(
            jsonBytes: fixture.authenticator.registrationResponse(challenge: options2.challenge))
        _ = try rp.finishRegistration(response2, state: state2)
        fixture.authenticator.signCount = 0
    }

    @Test("an authentication state is refused after its timeout with ceremony-expired")
    func authenticationExpiry() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        let rp = fixture.relyingParty()
        let (options, state) = rp.startAuthentication(allowCredentials: [record.descriptor])
        let response = try AuthenticationResponseJSON(
            jsonBytes: fixture.authenticator.authenticationResponse(challenge: options.challenge))
        fixture.clock.advance(by: 301)
        #expect(throws: WebAuthnError(.ceremonyExpired, "")) {
            try rp.finishAuthentication(response, state: state, credential: record)
        }
    }

    @Test("a state is single-use: a replayed registration or authentication fails with ceremony-already-used")
    func singleUse() throws {
        var fixture = CeremonyFixture()
        let rp = fixture.relyingParty()
        let (options, state) = rp.startRegistration(user: user)
        let response = try RegistrationResponseJSON(
            jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge))
        let record = try rp.finishRegistration(response, state: state)
        #expect(throws: WebAuthnError(.ceremonyAlreadyUsed, "")) { try rp.finishRegistration(response, state: state) }

        let (authOptions, authState) = rp.startAuthentication(allowCredentials: [record.descriptor])
        let assertion = try AuthenticationResponseJSON(
            jsonBytes: fixture.authenticator.authenticationResponse(challenge: authOptions.challenge))
        let result = try rp.finishAuthentication(assertion, state: authState, credential: record)
        #expect(throws: WebAuthnError(.ceremonyAlreadyUsed, "")) {
            try rp.finishAuthentication(assertion, state: authState, credential: result.record)
        }
    }

    @Test("a failed finish also consumes the state, and copies of the relying party share the ledger")
    func failureConsumes() throws {
        var fixture = CeremonyFixture()
        let rp = fixture.relyingParty()
        let copy = rp
        let (options, state) = rp.startRegistration(user: user)
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.clientData.origin = "https://evil.example"
        let bad = try RegistrationResponseJSON(
            jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge, knobs: knobs))
        #expect(throws: WebAuthnError(.originMismatch, "")) { try rp.finishRegistration(bad, state: state) }
        let good = try RegistrationResponseJSON(
            jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge))
        #expect(throws: WebAuthnError(.ceremonyAlreadyUsed, "")) { try copy.finishRegistration(good, state: state) }
        fixture.authenticator.signCount = 0
    }

    @Test("a state survives server-side storage and still verifies, once")
    func storageRoundTrip() throws {
        var fixture = CeremonyFixture()
        let rp = fixture.relyingParty { $0.userVerification = .required; $0.allowCrossOrigin = true }
        let (options, state) = rp.startRegistration(user: user)
        let restored = try RegistrationState(serverStorage: state.serializedForServerStorage())
        #expect(restored == state)
        let record = try rp.finishRegistration(
            try RegistrationResponseJSON(jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge)),
            state: restored)
        #expect(throws: WebAuthnError(.ceremonyAlreadyUsed, "")) {
            try rp.finishRegistration(
                try RegistrationResponseJSON(jsonBytes: fixture.authenticator.registrationResponse(challenge: options.challenge)),
                state: state)
        }

        let (authOptions, authState) = rp.startAuthentication(allowCredentials: [], appID: "https://example.org/appid")
        let restoredAuth = try AuthenticationState(serverStorage: authState.serializedForServerStorage())
        #expect(restoredAuth == authState)
        let assertion = try AuthenticationResponseJSON(
            jsonBytes: fixture.authenticator.authenticationResponse(challenge: authOptions.challenge))
        #expect(try rp.finishAuthentication(assertion, state: restoredAuth, credential: record).record.signCount == 1)
    }

    static let invalidStorage: [String] = [
        "",
        "[]",
        #"{"version":2,"ceremony":"registration"}"#,
        #"{"version":1,"ceremony":"authentication"}"#,
        #"{"version":1,"ceremony":"registration","id":"AA"}"#,
        #"{"version":1,"ceremony":"registration","id":"A+","challenge":"AA","rpId":"x","origins":[],"allowCrossOrigin":false,"topOrigins":[],"userVerificationRequired":false,"algorithms":[-7],"expiresAt":1,"excludeCredentials":[],"userHandle":null}"#,
        #"{"version":1,"ceremony":"registration","id":"AA","challenge":"AA","rpId":"x","origins":[1],"allowCrossOrigin":false,"topOrigins":[],"userVerificationRequired":false,"algorithms":[-7],"expiresAt":1,"excludeCredentials":[],"userHandle":null}"#,
        #"{"version":1,"ceremony":"registration","id":"AA","challenge":"AA","rpId":"x","origins":[],"allowCrossOrigin":false,"topOrigins":[],"userVerificationRequired":false,"algorithms":[-7.5],"expiresAt":1,"excludeCredentials":[],"userHandle":null}"#,
    ]

    @Test("bytes that are not a stored state are refused with ceremony-state-invalid", arguments: invalidStorage)
    func invalidStorageRejected(_ text: String) {
        #expect(throws: WebAuthnError(.ceremonyStateInvalid, "")) { try RegistrationState(serverStorage: Array(text.utf8)) }
    }

    @Test("an authentication state cannot be read as a registration state, nor the reverse")
    func kindsDoNotMix() {
        let rp = CeremonyFixture().relyingParty()
        let (_, registration) = rp.startRegistration(user: user)
        let (_, authentication) = rp.startAuthentication()
        #expect(throws: WebAuthnError(.ceremonyStateInvalid, "")) {
            try AuthenticationState(serverStorage: registration.serializedForServerStorage())
        }
        #expect(throws: WebAuthnError(.ceremonyStateInvalid, "")) {
            try RegistrationState(serverStorage: authentication.serializedForServerStorage())
        }
    }

    @Test("expert-built states verify responses to options made elsewhere, with the same checks")
    func expertStates() throws {
        var fixture = CeremonyFixture()
        let rp = fixture.relyingParty()
        let challenge = Array(repeating: UInt8(0x3C), count: 16)
        let registration = RegistrationState(
            challenge: challenge, rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: true, expiresAt: fixture.clock.now + 10)
        let record = try rp.finishRegistration(
            try RegistrationResponseJSON(jsonBytes: fixture.authenticator.registrationResponse(challenge: challenge)),
            state: registration)
        #expect(record.userHandle == nil)

        let authentication = AuthenticationState(
            challenge: challenge, rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: true, expiresAt: fixture.clock.now + 10)
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.userVerified = false
        #expect(throws: WebAuthnError(.userNotVerified, "")) {
            try rp.finishAuthentication(
                try AuthenticationResponseJSON(
                    jsonBytes: fixture.authenticator.authenticationResponse(challenge: challenge, knobs: knobs)),
                state: authentication, credential: record)
        }
        let other = AuthenticationState(
            challenge: challenge, rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: false, allowCrossOrigin: true, allowedTopOrigins: ["https://top.example"],
            expiresAt: fixture.clock.now + 10)
        var crossKnobs = TestAuthenticator.AssertionKnobs()
        crossKnobs.clientData.crossOrigin = true
        crossKnobs.clientData.topOrigin = "https://top.example"
        let result = try rp.finishAuthentication(
            try AuthenticationResponseJSON(
                jsonBytes: fixture.authenticator.authenticationResponse(challenge: challenge, knobs: crossKnobs)),
            state: other, credential: record)
        #expect(result.record.signCount == 2)
    }

    @Test("each state gets its own id, so two ceremonies with the same challenge are both usable")
    func distinctIDs() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        let rp = fixture.relyingParty()
        let (o1, s1) = rp.startAuthentication(allowCredentials: [record.descriptor])
        let (o2, s2) = rp.startAuthentication(allowCredentials: [record.descriptor])
        #expect(o1.challenge == o2.challenge)  // the fixture's fixed challenge
        let r1 = try rp.finishAuthentication(
            try AuthenticationResponseJSON(jsonBytes: fixture.authenticator.authenticationResponse(challenge: o1.challenge)),
            state: s1, credential: record)
        _ = try rp.finishAuthentication(
            try AuthenticationResponseJSON(jsonBytes: fixture.authenticator.authenticationResponse(challenge: o2.challenge)),
            state: s2, credential: r1.record)
    }
}
