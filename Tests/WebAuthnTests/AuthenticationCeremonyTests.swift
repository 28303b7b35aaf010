import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn
import _TestSupport

@Suite struct AuthenticationCeremonyTests {
    // MARK: - Accepted

    @Test("an ES256 assertion verifies and the returned record carries the new counter and flags")
    func es256Assertion() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        fixture.authenticator.signCount = 41
        let result = try fixture.authenticate(fixture.relyingParty(), record: record)
        #expect(result.record.signCount == 42)
        #expect(result.needsUpdate)
        #expect(!result.counterRegressed)
        #expect(result.userVerified)
        #expect(result.userHandle == Array("user-1".utf8))
        #expect(!result.usedAppID)
        #expect(result.record.id == record.id)
        #expect(result.record.publicKey == record.publicKey)
    }

    @Test("assertions verify for every supported algorithm", arguments: RegistrationCeremonyTests.keys)
    func everyAlgorithm(_ key: (String, TestCredentialKey)) throws {
        var fixture = CeremonyFixture()
        fixture.authenticator.key = key.1
        let record = try fixture.registeredRecord()
        #expect(try fixture.authenticate(fixture.relyingParty(), record: record).record.signCount == 1)
    }

    @Test("accepts UV when it is required, from an allowed credential, at the second allowed origin")
    func uvRequired() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        fixture.authenticator.origin = "https://login.example.org"
        let result = try fixture.authenticate(
            fixture.relyingParty { $0.userVerification = .required }, record: record,
            allowCredentials: [PublicKeyCredentialDescriptor(id: Self.otherID), record.descriptor])
        #expect(result.userVerified)
    }

    @Test("accepts a cross-origin assertion from an allowed top origin when cross-origin use is allowed")
    func crossOriginAllowed() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.clientData.crossOrigin = true
        knobs.clientData.topOrigin = "https://shop.example.com"
        let rp = fixture.relyingParty { $0.allowCrossOrigin = true; $0.allowedTopOrigins = ["https://shop.example.com"] }
        #expect(try fixture.authenticate(rp, record: record, knobs: knobs).record.signCount == 1)
    }

    @Test("both counters zero is not a regression, and an unchanged record needs no update")
    func zeroCounters() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.signCount = 0
        let result = try fixture.authenticate(fixture.relyingParty(), record: record, knobs: knobs)
        #expect(result.record.signCount == 0)
        #expect(!result.needsUpdate)
    }

    @Test("the relaxed counter policy accepts a regression, reports it and keeps the stored count")
    func relaxedCounter() throws {
        var fixture = CeremonyFixture()
        var record = try fixture.registeredRecord()
        fixture.authenticator.signCount = 9
        record = try fixture.authenticate(fixture.relyingParty(), record: record).record
        #expect(record.signCount == 10)
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.signCount = 4
        let result = try fixture.authenticate(
            fixture.relyingParty { $0.counterPolicy = .relaxed }, record: record, knobs: knobs)
        #expect(result.counterRegressed)
        #expect(result.record.signCount == 10)
    }

    @Test("a U2F credential moved over verifies under its AppID when the client used appid")
    func appID() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.rpID = "https://example.org/u2f-app-id.json"
        knobs.clientExtensionResults = JSONObject([("appid", .bool(true))])
        let result = try fixture.authenticate(
            fixture.relyingParty(), record: record, knobs: knobs, appID: "https://example.org/u2f-app-id.json")
        #expect(result.usedAppID)
        // appid false: the RP ID applies, even when an AppID was offered.
        var plain = TestAuthenticator.AssertionKnobs()
        plain.clientExtensionResults = JSONObject([("appid", .bool(false))])
        #expect(try !fixture.authenticate(fixture.relyingParty(), record: result.record, knobs: plain,
                                          appID: "https://example.org/u2f-app-id.json").usedAppID)
    }

    @Test("a discoverable-credential sign-in (no allowCredentials) verifies with the user handle")
    func discoverable() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        let result = try fixture.authenticate(fixture.relyingParty(), record: record, allowCredentials: [])
        #expect(result.userHandle == record.userHandle)
    }

    @Test("an identified user's assertion may omit the user handle")
    func identifiedWithoutHandle() throws {
        var fixture = CeremonyFixture()
        let record = try fixture.registeredRecord()
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.userHandle = .some(nil)
        #expect(try fixture.authenticate(fixture.relyingParty(), record: record, knobs: knobs).userHandle == nil)
    }

    @Test("BS may change between assertions while BE stays, and the record follows it")
    func backupStateChanges() throws {
        var fixture = CeremonyFixture()
        var registration = TestAuthenticator.RegistrationKnobs()
        registration.authenticatorData.backupEligible = true
        let record = try fixture.registeredRecord(knobs: registration)
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.backupEligible = true
        knobs.authenticatorData.backupState = true
        let result = try fixture.authenticate(fixture.relyingParty(), record: record, knobs: knobs)
        #expect(result.record.backupState == true)
        #expect(result.record.backupEligible == true)
    }

    @Test("a record that does not know BE learns it, and UV once seen stays recorded")
    func learnsFlags() throws {
        var fixture = CeremonyFixture()
        let registered = try fixture.registeredRecord()
        let sparse = CredentialRecord(uncheckedID: registered.id, publicKey: registered.publicKey, signCount: 0)
        let first = try fixture.authenticate(fixture.relyingParty(), record: sparse)
        #expect(first.record.backupEligible == false)
        #expect(first.record.userVerified == true)
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.userVerified = false
        let second = try fixture.authenticate(fixture.relyingParty(), record: first.record, knobs: knobs)
        #expect(second.record.userVerified == true)
        #expect(!second.userVerified)
    }

    // MARK: - Rejected

    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        var configure: @Sendable (inout RelyingParty.Configuration) -> Void = { _ in }
        var registration: @Sendable (inout TestAuthenticator.RegistrationKnobs) -> Void = { _ in }
        var knobs: @Sendable (inout TestAuthenticator.AssertionKnobs) -> Void = { _ in }
        var record: @Sendable (CredentialRecord) -> CredentialRecord = { $0 }
        var allowCredentials: [PublicKeyCredentialDescriptor]? = nil
        var appID: String? = nil
        let code: WebAuthnError.Code
    }

    static let otherID = Array(repeating: UInt8(0xEE), count: 32)

    static let rejected: [Case] = [
        // §7.2 step 5
        Case(testDescription: "a credential not in allowCredentials", allowCredentials: [PublicKeyCredentialDescriptor(id: otherID)], code: .credentialNotAllowed),
        // step 6
        Case(testDescription: "rawId naming another credential than the record", knobs: { $0.id = Base64URL.encode(otherID); $0.rawID = Base64URL.encode(otherID) }, allowCredentials: [], code: .credentialIDMismatch),
        Case(testDescription: "id differing from rawId", knobs: { $0.id = Base64URL.encode(otherID) }, code: .credentialIDMismatch),
        Case(testDescription: "type other than public-key", knobs: { $0.type = "publickey" }, code: .credentialTypeInvalid),
        Case(testDescription: "a user handle of another account", knobs: { $0.userHandle = .some(Array("user-2".utf8)) }, code: .userHandleMismatch),
        Case(testDescription: "no user handle when the user was not identified", knobs: { $0.userHandle = .some(nil) }, allowCredentials: [], code: .userHandleMismatch),
        // steps 8–9
        Case(testDescription: "client data that is not JSON", knobs: { $0.clientData.replacement = [0x7B] }, code: .malformedClientData),
        Case(testDescription: "client data with a non-boolean crossOrigin", knobs: { $0.clientData.replacement = Array(#"{"type":"webauthn.get","challenge":"x","origin":"https://example.org","crossOrigin":1}"#.utf8) }, code: .malformedClientData),
        // step 10
        Case(testDescription: "client data type webauthn.create", knobs: { $0.clientData.type = "webauthn.create" }, code: .clientDataTypeMismatch),
        // step 11
        Case(testDescription: "another challenge", knobs: { $0.clientData.challenge = Base64URL.encode(Array(repeating: 0, count: 32)) }, code: .challengeMismatch),
        Case(testDescription: "the registration's challenge", knobs: { $0.clientData.challenge = Base64URL.encode(CeremonyFixture.registrationChallenge) }, code: .challengeMismatch),
        Case(testDescription: "the challenge with base64 padding", knobs: { $0.clientData.challenge = "paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaU=" }, code: .challengeMismatch),
        // step 12
        Case(testDescription: "an unknown origin", knobs: { $0.clientData.origin = "https://example.org.evil.example" }, code: .originMismatch),
        Case(testDescription: "an origin in another case", knobs: { $0.clientData.origin = "https://EXAMPLE.org" }, code: .originMismatch),
        // step 13
        Case(testDescription: "crossOrigin true when not allowed", knobs: { $0.clientData.crossOrigin = true }, code: .crossOriginNotAllowed),
        // step 14
        Case(testDescription: "topOrigin with crossOrigin false", configure: { $0.allowCrossOrigin = true }, knobs: { $0.clientData.topOrigin = "https://shop.example.com" }, code: .topOriginMismatch),
        Case(testDescription: "a top origin not in the list", configure: { $0.allowCrossOrigin = true; $0.allowedTopOrigins = ["https://shop.example.com"] }, knobs: { $0.clientData.crossOrigin = true; $0.clientData.topOrigin = "https://shop.example.net" }, code: .topOriginMismatch),
        // step 7 (authenticator data)
        Case(testDescription: "authenticator data of 36 bytes", knobs: { $0.authenticatorData.replacement = Array(repeating: 0, count: 36) }, code: .malformedAuthenticatorData),
        Case(testDescription: "authenticator data with a trailing byte", knobs: { $0.authenticatorData.trailingBytes = [0xA0] }, code: .malformedAuthenticatorData),
        Case(testDescription: "the ED flag without extensions", knobs: { $0.authenticatorData.setFlags = 0x80 }, code: .malformedAuthenticatorData),
        Case(testDescription: "attested credential data in an assertion", knobs: { $0.authenticatorData.includeAttestedCredentialData = true }, code: .unexpectedAttestedCredentialData),
        // step 15
        Case(testDescription: "rpIdHash of another RP ID", knobs: { $0.authenticatorData.rpID = "example.com" }, code: .rpIDMismatch),
        Case(testDescription: "rpIdHash of the AppID while the client did not use appid", knobs: { $0.authenticatorData.rpID = "https://example.org/app-id.json" }, appID: "https://example.org/app-id.json", code: .rpIDMismatch),
        Case(testDescription: "appid used but rpIdHash of the RP ID", knobs: { $0.clientExtensionResults = JSONObject([("appid", .bool(true))]) }, appID: "https://example.org/app-id.json", code: .rpIDMismatch),
        Case(testDescription: "appid used without an AppID in the ceremony", knobs: { $0.clientExtensionResults = JSONObject([("appid", .bool(true))]) }, code: .extensionInvalid),
        Case(testDescription: "an appid output that is not a boolean", knobs: { $0.clientExtensionResults = JSONObject([("appid", .string("true"))]) }, code: .extensionInvalid),
        // step 16
        Case(testDescription: "UP not set", knobs: { $0.authenticatorData.userPresent = false }, code: .userNotPresent),
        // step 17
        Case(testDescription: "UV not set when required", configure: { $0.userVerification = .required }, knobs: { $0.authenticatorData.userVerified = false }, code: .userNotVerified),
        // step 18
        Case(testDescription: "BS without BE", knobs: { $0.authenticatorData.backupState = true }, code: .backupStateInconsistent),
        // step 19
        Case(testDescription: "BE set for a credential registered without it", knobs: { $0.authenticatorData.backupEligible = true }, code: .backupEligibilityChanged),
        Case(testDescription: "BE cleared for a credential registered with it", registration: { $0.authenticatorData.backupEligible = true }, code: .backupEligibilityChanged),
        // algorithm policy
        Case(testDescription: "a credential algorithm no longer allowed", configure: { $0.allowedAlgorithms = [.eddsa] }, code: .algorithmNotAllowed),
        // step 21
        Case(testDescription: "a signature by another key", knobs: { $0.signingKey = .es256Other }, code: .signatureInvalid),
        Case(testDescription: "a signature with a flipped bit", knobs: { $0.corruptSignature = true }, code: .signatureInvalid),
        Case(testDescription: "a bad signature with a regressed counter (the signature is checked first)", knobs: { $0.corruptSignature = true; $0.authenticatorData.signCount = 0 }, record: { CredentialRecord(uncheckedID: $0.id, publicKey: $0.publicKey, signCount: 100, backupEligible: false, userHandle: $0.userHandle) }, code: .signatureInvalid),
        // step 22
        Case(testDescription: "the same counter again", knobs: { $0.authenticatorData.signCount = 100 }, record: { CredentialRecord(uncheckedID: $0.id, publicKey: $0.publicKey, signCount: 100, userHandle: $0.userHandle) }, code: .counterRegression),
        Case(testDescription: "a lower counter", knobs: { $0.authenticatorData.signCount = 99 }, record: { CredentialRecord(uncheckedID: $0.id, publicKey: $0.publicKey, signCount: 100, userHandle: $0.userHandle) }, code: .counterRegression),
        Case(testDescription: "a zero counter after a non-zero one", knobs: { $0.authenticatorData.signCount = 0 }, record: { CredentialRecord(uncheckedID: $0.id, publicKey: $0.publicKey, signCount: 5, userHandle: $0.userHandle) }, code: .counterRegression),
    ]

    @Test("rejects an assertion that fails a §7.2 check, with that check's code", arguments: rejected)
    func rejects(_ testCase: Case) throws {
        var fixture = CeremonyFixture()
        var registration = TestAuthenticator.RegistrationKnobs()
        testCase.registration(&registration)
        let record = testCase.record(try fixture.registeredRecord(knobs: registration))
        var knobs = TestAuthenticator.AssertionKnobs()
        testCase.knobs(&knobs)
        let rp = fixture.relyingParty(testCase.configure)
        #expect(throws: WebAuthnError(testCase.code, "")) {
            try fixture.authenticate(rp, record: record, knobs: knobs, allowCredentials: testCase.allowCredentials,
                                     appID: testCase.appID)
        }
    }

    @Test("a counter regression error carries the stored and received counts")
    func counterRegressionCounts() throws {
        var fixture = CeremonyFixture()
        let registered = try fixture.registeredRecord()
        let record = CredentialRecord(uncheckedID: registered.id, publicKey: registered.publicKey, signCount: 7)
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.authenticatorData.signCount = 3
        let error = #expect(throws: WebAuthnError.self) {
            try fixture.authenticate(fixture.relyingParty(), record: record, knobs: knobs)
        }
        #expect(error?.code == .counterRegression)
        #expect(error?.signCounts?.stored == 7)
        #expect(error?.signCounts?.received == 3)
    }

    @Test("the assertion signature covers exactly authData || SHA-256(clientDataJSON), checked with OpenSSL directly")
    func signatureCoverage() throws {
        let fixture = CeremonyFixture()
        let json = fixture.authenticator.assertion(challenge: CeremonyFixture.authenticationChallenge)
        let response = try AuthenticationResponseJSON(jsonBytes: json)
        let message = response.authenticatorData + Digest.sha256(response.clientDataJSON)
        #expect(TestCredentialKey.es256.privateKey.publicKey.verify(
            signature: response.signature, message: message, scheme: .ecdsa(.sha256)))
    }
}
