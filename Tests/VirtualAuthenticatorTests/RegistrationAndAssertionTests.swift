import CBOR
import OpenSSLWrapper
import Testing
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// makeCredential and getAssertion, each output verified by KeyBridge's relying-party verifier.
@Suite struct RegistrationAndAssertionTests {
    enum Transport: String, CaseIterable, CustomTestStringConvertible {
        case command, hid
        var testDescription: String { rawValue }
    }

    static func platform(_ transport: Transport, _ device: VirtualAuthenticator) throws -> Platform {
        transport == .hid ? try Platform(hid: device) : Platform(direct: device)
    }

    @Test("An ES256 credential with packed full attestation verifies and chains to the exported root",
          arguments: Transport.allCases)
    func es256PackedFullIsTrusted(transport: Transport) throws {
        let device = try VirtualAuthenticator()
        let platform = try Self.platform(transport, device)
        let (status, registration) = try platform.makeCredential(algorithms: [-7])
        #expect(status == 0)
        let made = try #require(registration)
        #expect(made.format == "packed")
        #expect(made.statement[text: "x5c"] != nil)
        let record = try WebAuthnCheck.verify(made, rootPEM: device.exportRootPEM(), requireTrusted: true)
        #expect(record.attestationFormat == "packed")
        #expect(record.attestationType == .basic)
        #expect(record.attestationTrusted == true)
        #expect(record.algorithm == .es256)
        #expect(record.aaguid?.bytes == device.aaguid)

        let (assertStatus, assertion) = try platform.getAssertion(allowList: [made.credentialID])
        #expect(assertStatus == 0)
        let result = try WebAuthnCheck.verify(try #require(assertion), record: record)
        #expect(result.record.signCount > made.signCount)
    }

    @Test("An EdDSA credential verifies, chosen after an algorithm the key does not implement",
          arguments: Transport.allCases)
    func eddsaCredential(transport: Transport) throws {
        let device = try VirtualAuthenticator()
        let platform = try Self.platform(transport, device)
        let (status, registration) = try platform.makeCredential(algorithms: [-257, -8, -7])
        #expect(status == 0)
        let made = try #require(registration)
        let record = try WebAuthnCheck.verify(made, rootPEM: device.exportRootPEM(), requireTrusted: true)
        #expect(record.algorithm == .eddsa)
        let assertion = try #require(try platform.getAssertion(allowList: [made.credentialID]).assertion)
        _ = try WebAuthnCheck.verify(assertion, record: record)
    }

    @Test("A root from another virtual authenticator does not make the attestation trusted")
    func foreignRootIsNotTrusted() throws {
        let device = try VirtualAuthenticator()
        let other = try VirtualAuthenticator()
        let made = try #require(try Platform(direct: device).makeCredential().registration)
        #expect(throws: WebAuthnError.self) {
            try WebAuthnCheck.verify(made, rootPEM: other.exportRootPEM(), requireTrusted: true)
        }
        let untrusted = try WebAuthnCheck.verify(made, rootPEM: other.exportRootPEM(), requireTrusted: false)
        #expect(untrusted.attestationTrusted == false)
    }

    @Test("The packed attestation certificate meets WebAuthn §8.2.1 and carries the AAGUID extension")
    func attestationCertificateShape() throws {
        let device = try VirtualAuthenticator()
        let made = try #require(try Platform(direct: device).makeCredential().registration)
        let x5c = try #require(made.statement[text: "x5c"]?.arrayValue)
        #expect(x5c.count == 1)
        let certificate = try X509Certificate(derEncoded: try #require(x5c[0].bytesValue))
        #expect(certificate.version == 3)
        #expect(certificate.subject.values(for: "2.5.4.11") == ["Authenticator Attestation"])
        #expect(certificate.subject.values(for: "2.5.4.6").count == 1)
        #expect(certificate.basicConstraints?.isCA == false)
        let aaguidExtension = try #require(certificate.extension(oid: "1.3.6.1.4.1.45724.1.1.4"))
        #expect(aaguidExtension.critical == false)
        #expect(aaguidExtension.value == [0x04, 0x10] + device.aaguid)
        let root = try #require(try X509Certificate.certificates(fromPEM: device.exportRootPEM()).first)
        #expect(certificate.issuer.derEncoded == root.subject.derEncoded)
        #expect(root.basicConstraints?.isCA == true)
    }

    @Test("Self and none attestation modes verify", arguments: [
        VirtualAuthenticator.AttestationMode.packedSelf, .none,
    ])
    func otherAttestationModes(mode: VirtualAuthenticator.AttestationMode) throws {
        var configuration = VirtualAuthenticator.Configuration()
        configuration.attestation = mode
        let device = try VirtualAuthenticator(configuration: configuration)
        for algorithm in [-7, -8] {
            let made = try #require(try Platform(direct: device).makeCredential(algorithms: [algorithm]).registration)
            let record = try WebAuthnCheck.verify(made)
            #expect(record.attestationFormat == (mode == .none ? "none" : "packed"))
            #expect(record.attestationType == (mode == .none ? AttestationType.none : .`self`))
        }
    }

    @Test("Every assertion increases the signature counter, and the verifier accepts each in turn")
    func counterIncreases() throws {
        let device = try VirtualAuthenticator()
        let platform = Platform(direct: device)
        let made = try #require(try platform.makeCredential().registration)
        var record = try WebAuthnCheck.verify(made)
        var last = record.signCount
        for _ in 0..<4 {
            let assertion = try #require(try platform.getAssertion(allowList: [made.credentialID]).assertion)
            #expect(assertion.signCount > last)
            let result = try WebAuthnCheck.verify(assertion, record: record)
            #expect(result.needsUpdate)
            record = result.record
            last = assertion.signCount
        }
        #expect(device.signatureCounter == last)
    }

    @Test("An exclude-list hit answers CTAP2_ERR_CREDENTIAL_EXCLUDED after the touch", arguments: Transport.allCases)
    func excludeList(transport: Transport) throws {
        let device = try VirtualAuthenticator()
        let platform = try Self.platform(transport, device)
        let made = try #require(try platform.makeCredential().registration)
        let unrelated = [UInt8](repeating: 0x42, count: 63)
        #expect(try platform.makeCredential(excludeList: [unrelated, made.credentialID]).status == 0x19)
        // Another RP's credential ID, or an unknown one, does not exclude.
        #expect(try platform.makeCredential(rpID: "other.example", excludeList: [made.credentialID]).status == 0)
        #expect(try platform.makeCredential(excludeList: [unrelated]).status == 0)
    }

    @Test("A credential ID is usable only for the RP it was made for")
    func credentialBoundToRP() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        let made = try #require(try platform.makeCredential(rpID: "example.com").registration)
        #expect(try platform.getAssertion(rpID: "evil.example", allowList: [made.credentialID]).status == 0x2E)
        var tampered = made.credentialID
        tampered[20] ^= 1
        #expect(try platform.getAssertion(allowList: [tampered]).status == 0x2E)
    }

    @Test("A credential ID from another authenticator is unknown")
    func foreignCredential() throws {
        let made = try #require(try Platform(direct: try VirtualAuthenticator()).makeCredential().registration)
        #expect(try Platform(direct: try VirtualAuthenticator()).getAssertion(allowList: [made.credentialID]).status == 0x2E)
    }

    @Test("up=false gives an assertion without the UP flag; the default sets it")
    func silentAssertion() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        let made = try #require(try platform.makeCredential().registration)
        let silent = try #require(try platform.getAssertion(allowList: [made.credentialID], userPresence: false).assertion)
        #expect(silent.flags & 0x01 == 0)
        let normal = try #require(try platform.getAssertion(allowList: [made.credentialID]).assertion)
        #expect(normal.flags & 0x01 == 0x01)
    }

    @Test("No acceptable algorithm is CTAP2_ERR_UNSUPPORTED_ALGORITHM")
    func unsupportedAlgorithm() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        #expect(try platform.makeCredential(algorithms: [-257, -35]).status == 0x26)
    }

    @Test("credProtect and hmac-secret are echoed in the authenticator data extensions")
    func extensionOutputs() throws {
        let platform = Platform(direct: try VirtualAuthenticator())
        let extensions = CBORMap([(.text("credProtect"), CBORValue(2)), (.text("hmac-secret"), true)])
        let made = try #require(try platform.makeCredential(extensions: extensions).registration)
        #expect(made.flags & 0x80 != 0)
        let authData = try AuthenticatorData(bytes: made.authData)
        #expect(authData.extensions?[text: "credProtect"]?.intValue == 2)
        #expect(authData.extensions?[text: "hmac-secret"]?.boolValue == true)
        _ = try WebAuthnCheck.verify(made)
    }
}
