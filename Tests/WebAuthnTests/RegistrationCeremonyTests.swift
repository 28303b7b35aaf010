import CBOR
import Testing
import WebAuthn
import _TestSupport

@Suite struct RegistrationCeremonyTests {
    let fixture = CeremonyFixture()

    // MARK: - Accepted

    @Test("a none-attestation ES256 registration yields a complete credential record")
    func noneRegistration() throws {
        let record = try fixture.register(fixture.relyingParty())
        #expect(record.id == fixture.authenticator.credentialID)
        #expect(record.publicKeyBytes == TestCredentialKey.es256.coseKey)
        #expect(record.algorithm == .es256)
        #expect(record.signCount == 0)
        #expect(record.aaguid?.description == "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")
        #expect(record.attestationFormat == "none")
        #expect(record.attestationType == AttestationType.none)
        #expect(record.attestationTrusted == false)
        #expect(record.transports == [.usb])
        #expect(record.userVerified == true)
        #expect(record.backupEligible == false)
        #expect(record.backupState == false)
        #expect(record.userHandle == Array("user-1".utf8))
    }

    static let keys: [(String, TestCredentialKey)] = [
        ("ES256", .es256), ("ES384", .es384), ("ES512", .es512), ("EdDSA", .eddsa), ("Ed448", .ed448),
        ("RS256", .rs256), ("PS256", .ps256),
    ]

    @Test("a packed self-attestation registration verifies for every supported algorithm", arguments: keys)
    func packedSelf(_ key: (String, TestCredentialKey)) throws {
        var fixture = self.fixture
        fixture.authenticator.key = key.1
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.format = .packedSelf
        let record = try fixture.register(fixture.relyingParty(), knobs: knobs)
        #expect(record.algorithm == key.1.algorithm)
        #expect(record.attestationFormat == "packed")
        #expect(record.attestationType == .`self`)
        #expect(record.publicKeyBytes == key.1.coseKey)
    }

    @Test("accepts the second of several allowed origins")
    func secondOrigin() throws {
        var fixture = self.fixture
        fixture.authenticator.origin = "https://login.example.org"
        #expect(try fixture.register(fixture.relyingParty()).id == fixture.authenticator.credentialID)
    }

    @Test("accepts client data without crossOrigin, and with extra members")
    func clientDataVariants() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.clientData.crossOrigin = nil
        knobs.clientData.extraMembers = [("other_keys_can_be_added_here", .string("x"))]
        _ = try fixture.register(fixture.relyingParty(), knobs: knobs)
    }

    @Test("accepts a cross-origin registration with an allowed top origin when cross-origin use is allowed")
    func crossOriginAllowed() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.clientData.crossOrigin = true
        knobs.clientData.topOrigin = "https://shop.example.com"
        let rp = fixture.relyingParty {
            $0.allowCrossOrigin = true
            $0.allowedTopOrigins = ["https://shop.example.com"]
        }
        _ = try fixture.register(rp, knobs: knobs)
        // With no top-origin list, any top origin is accepted, and so is a missing one.
        knobs.clientData.topOrigin = nil
        _ = try fixture.register(fixture.relyingParty { $0.allowCrossOrigin = true }, knobs: knobs)
    }

    @Test("accepts a registration without UV when verification is only preferred, and records it")
    func uvPreferred() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.authenticatorData.userVerified = false
        let record = try fixture.register(fixture.relyingParty(), knobs: knobs)
        #expect(record.userVerified == false)
    }

    @Test("records BE and BS of a backed-up passkey")
    func backupFlags() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.authenticatorData.backupEligible = true
        knobs.authenticatorData.backupState = true
        let record = try fixture.register(fixture.relyingParty(), knobs: knobs)
        #expect(record.backupEligible == true)
        #expect(record.backupState == true)
    }

    @Test("accepts UV when it is required, and a credential that is not one of those excluded")
    func uvRequiredAndExclusions() throws {
        let rp = fixture.relyingParty { $0.userVerification = .required }
        let record = try fixture.register(rp, excludeCredentials: [PublicKeyCredentialDescriptor(id: Self.otherID)])
        #expect(record.userVerified == true)
    }

    @Test("accepts RS1 only when the relying party allows it")
    func rs1WhenAllowed() throws {
        var fixture = self.fixture
        fixture.authenticator.key = .rs1
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.format = .packedSelf
        #expect(try fixture.register(fixture.relyingParty { $0.allowRS1 = true }, knobs: knobs).algorithm == .rs1)
    }

    // MARK: - Rejected

    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        var key: TestCredentialKey = .es256
        var configure: @Sendable (inout RelyingParty.Configuration) -> Void = { _ in }
        var knobs: @Sendable (inout TestAuthenticator.RegistrationKnobs) -> Void = { _ in }
        var exclude = false
        let code: WebAuthnError.Code
    }

    static let otherID = Array(repeating: UInt8(0xEE), count: 32)

    static let rejected: [Case] = [
        // §7.1 step 7
        Case(testDescription: "client data type webauthn.get", knobs: { $0.clientData.type = "webauthn.get" }, code: .clientDataTypeMismatch),
        Case(testDescription: "client data type with different case", knobs: { $0.clientData.type = "WebAuthn.Create" }, code: .clientDataTypeMismatch),
        // steps 5–6
        Case(testDescription: "client data that is not JSON", knobs: { $0.clientData.replacement = Array("not json".utf8) }, code: .malformedClientData),
        Case(testDescription: "client data without a challenge", knobs: { $0.clientData.replacement = Array(#"{"type":"webauthn.create","origin":"https://example.org"}"#.utf8) }, code: .malformedClientData),
        // step 8
        Case(testDescription: "another challenge", knobs: { $0.clientData.challenge = Base64URL.encode(Array(repeating: 0xC2, count: 32)) }, code: .challengeMismatch),
        Case(testDescription: "the challenge with base64 padding", knobs: { $0.clientData.challenge = Base64URL.encode(CeremonyFixture.registrationChallenge) + "=" }, code: .challengeMismatch),
        Case(testDescription: "a prefix of the challenge", knobs: { $0.clientData.challenge = String(Base64URL.encode(CeremonyFixture.registrationChallenge).dropLast(2)) }, code: .challengeMismatch),
        Case(testDescription: "an empty challenge", knobs: { $0.clientData.challenge = "" }, code: .challengeMismatch),
        // step 9
        Case(testDescription: "an unknown origin", knobs: { $0.clientData.origin = "https://evil.example" }, code: .originMismatch),
        Case(testDescription: "the origin over http", knobs: { $0.clientData.origin = "http://example.org" }, code: .originMismatch),
        Case(testDescription: "the origin with a trailing slash", knobs: { $0.clientData.origin = "https://example.org/" }, code: .originMismatch),
        Case(testDescription: "the origin with another port", knobs: { $0.clientData.origin = "https://example.org:8443" }, code: .originMismatch),
        // step 10
        Case(testDescription: "crossOrigin true when not allowed", knobs: { $0.clientData.crossOrigin = true }, code: .crossOriginNotAllowed),
        Case(testDescription: "crossOrigin true with a top origin when not allowed", knobs: { $0.clientData.crossOrigin = true; $0.clientData.topOrigin = "https://example.org" }, code: .crossOriginNotAllowed),
        // step 11
        Case(testDescription: "topOrigin without crossOrigin", knobs: { $0.clientData.topOrigin = "https://shop.example.com" }, code: .topOriginMismatch),
        Case(testDescription: "topOrigin without crossOrigin even when cross-origin is allowed", configure: { $0.allowCrossOrigin = true }, knobs: { $0.clientData.crossOrigin = nil; $0.clientData.topOrigin = "https://shop.example.com" }, code: .topOriginMismatch),
        Case(testDescription: "a top origin not in the allowed list", configure: { $0.allowCrossOrigin = true; $0.allowedTopOrigins = ["https://shop.example.com"] }, knobs: { $0.clientData.crossOrigin = true; $0.clientData.topOrigin = "https://evil.example" }, code: .topOriginMismatch),
        Case(testDescription: "a missing top origin when only listed ones are allowed", configure: { $0.allowCrossOrigin = true; $0.allowedTopOrigins = ["https://shop.example.com"] }, knobs: { $0.clientData.crossOrigin = true }, code: .topOriginMismatch),
        // step 13
        Case(testDescription: "an attestation object that is not CBOR", knobs: { $0.attestationObject = [0xFF] }, code: .invalidCBOR),
        Case(testDescription: "an attestation object with trailing bytes", knobs: { $0.attestationObject = CBOREncoder.encode(.map(CBORMap([("fmt", "none"), ("attStmt", .map(CBORMap())), ("authData", .bytes([]))]))) + [0] }, code: .invalidCBOR),
        Case(testDescription: "an attestation object without fmt", knobs: { $0.attestationObject = CBOREncoder.encode(.map(CBORMap([("attStmt", .map(CBORMap())), ("authData", .bytes(Array(repeating: 0, count: 37)))]))) }, code: .malformedInput),
        Case(testDescription: "an attestation object whose authData is text", knobs: { $0.attestationObject = CBOREncoder.encode(.map(CBORMap([("fmt", "none"), ("attStmt", .map(CBORMap())), ("authData", "x")]))) }, code: .malformedInput),
        Case(testDescription: "authenticator data with a trailing byte", knobs: { $0.authenticatorData.trailingBytes = [0] }, code: .malformedAuthenticatorData),
        Case(testDescription: "attested data without the AT flag", knobs: { $0.authenticatorData.clearFlags = 0x40 }, code: .malformedAuthenticatorData),
        Case(testDescription: "the ED flag without extensions", knobs: { $0.authenticatorData.setFlags = 0x80 }, code: .malformedAuthenticatorData),
        Case(testDescription: "no attested credential data", knobs: { $0.authenticatorData.includeAttestedCredentialData = false }, code: .attestedCredentialDataMissing),
        Case(testDescription: "a credential ID of 1024 bytes", knobs: { $0.authenticatorData.credentialID = Array(repeating: 1, count: 1024) }, code: .credentialIDTooLong),
        Case(testDescription: "id and rawId naming another credential", knobs: { $0.id = Base64URL.encode(RegistrationCeremonyTests.otherID); $0.rawID = Base64URL.encode(RegistrationCeremonyTests.otherID) }, code: .credentialIDMismatch),
        Case(testDescription: "id differing from rawId", knobs: { $0.id = Base64URL.encode(RegistrationCeremonyTests.otherID) }, code: .credentialIDMismatch),
        Case(testDescription: "type other than public-key", knobs: { $0.type = "public_key" }, code: .credentialTypeInvalid),
        // step 14
        Case(testDescription: "rpIdHash of another RP ID", knobs: { $0.authenticatorData.rpID = "evil.example" }, code: .rpIDMismatch),
        Case(testDescription: "rpIdHash of a parent domain", knobs: { $0.authenticatorData.rpID = "org" }, code: .rpIDMismatch),
        // step 15
        Case(testDescription: "UP not set", knobs: { $0.authenticatorData.userPresent = false }, code: .userNotPresent),
        // step 16
        Case(testDescription: "UV not set when required", configure: { $0.userVerification = .required }, knobs: { $0.authenticatorData.userVerified = false }, code: .userNotVerified),
        // step 17
        Case(testDescription: "BS set without BE", knobs: { $0.authenticatorData.backupState = true }, code: .backupStateInconsistent),
        // step 20
        Case(testDescription: "an algorithm the options did not offer", key: .eddsa, configure: { $0.allowedAlgorithms = [.es256] }, code: .algorithmNotAllowed),
        Case(testDescription: "RS1 when not allowed", key: .rs1, knobs: { $0.format = .packedSelf }, code: .algorithmNotAllowed),
        Case(testDescription: "a credential public key that is not CBOR", knobs: { $0.authenticatorData.credentialPublicKey = [0x1C] }, code: .invalidCBOR),
        Case(testDescription: "a COSE key with an unknown algorithm", knobs: { $0.authenticatorData.credentialPublicKey = CBOREncoder.encode(.map(CBORMap([(1, 2), (3, -999), (-1, 1), (-2, .bytes(Array(repeating: 1, count: 32))), (-3, .bytes(Array(repeating: 2, count: 32)))]))) }, code: .unsupportedAlgorithm),
        Case(testDescription: "a COSE key whose point is not on the curve", knobs: { $0.authenticatorData.credentialPublicKey = CBOREncoder.encode(.map(CBORMap([(1, 2), (3, -7), (-1, 1), (-2, .bytes(Array(repeating: 1, count: 32))), (-3, .bytes(Array(repeating: 2, count: 32)))]))) }, code: .invalidPublicKey),
        // steps 21–24
        Case(testDescription: "an unknown attestation format", knobs: { $0.formatName = "keybridge-unknown" }, code: .unsupportedAttestationFormat),
        Case(testDescription: "a packed self attestation with a wrong signature", knobs: { $0.format = .packedSelf; $0.corruptAttestationSignature = true }, code: .signatureInvalid),
        Case(testDescription: "a packed self attestation whose alg is not the key's", knobs: { $0.format = .packedSelf; $0.packedAlgorithm = -257 }, code: .attestationInvalid),
        Case(testDescription: "a none attestation with a statement", knobs: { $0.statement = CBORMap([("sig", .bytes([1]))]) }, code: .attestationInvalid),
        // step 26
        Case(testDescription: "a credential in excludeCredentials", exclude: true, code: .credentialExcluded),
    ]

    @Test("rejects a registration that fails a §7.1 check, with that check's code", arguments: rejected)
    func rejects(_ testCase: Case) throws {
        var fixture = self.fixture
        fixture.authenticator.key = testCase.key
        var knobs = TestAuthenticator.RegistrationKnobs()
        testCase.knobs(&knobs)
        let rp = fixture.relyingParty(testCase.configure)
        let exclude = testCase.exclude ? [PublicKeyCredentialDescriptor(id: fixture.authenticator.credentialID)] : []
        #expect(throws: WebAuthnError(testCase.code, "")) {
            try fixture.register(rp, knobs: knobs, excludeCredentials: exclude)
        }
    }

    @Test("checks the steps in specification order: the client data type before the challenge before the origin")
    func specOrder() {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.clientData.type = "webauthn.get"
        knobs.clientData.challenge = "AAAA"
        knobs.clientData.origin = "https://evil.example"
        #expect(throws: WebAuthnError(.clientDataTypeMismatch, "")) { try fixture.register(fixture.relyingParty(), knobs: knobs) }
        knobs.clientData.type = nil
        #expect(throws: WebAuthnError(.challengeMismatch, "")) { try fixture.register(fixture.relyingParty(), knobs: knobs) }
        knobs.clientData.challenge = nil
        #expect(throws: WebAuthnError(.originMismatch, "")) { try fixture.register(fixture.relyingParty(), knobs: knobs) }
    }
}
