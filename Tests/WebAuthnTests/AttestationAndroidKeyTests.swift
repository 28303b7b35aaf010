import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

/// Builds an Android key description (OID 1.3.6.1.4.1.11129.2.1.17) per the Android key attestation schema.
struct AndroidKeyDescriptionBuilder {
    static func purpose(_ values: [Int]) -> [UInt8] {
        AttestationDER.explicit(1, AttestationDER.set(values.map { AttestationDER.integer($0) }))
    }
    static let algorithmEC = AttestationDER.explicit(2, AttestationDER.integer(3))
    static let allApplications = AttestationDER.explicit(600, AttestationDER.null)
    static func origin(_ value: Int) -> [UInt8] { AttestationDER.explicit(702, AttestationDER.integer(value)) }

    var attestationSecurityLevel = 1
    var keymasterSecurityLevel = 1
    var challenge: [UInt8]
    var softwareEnforced: [[UInt8]] = []
    var teeEnforced: [[UInt8]] = [purpose([2]), algorithmEC, origin(0)]

    func der() -> [UInt8] {
        AttestationDER.sequence([
            AttestationDER.integer(3), AttestationDER.enumerated(attestationSecurityLevel),
            AttestationDER.integer(4), AttestationDER.enumerated(keymasterSecurityLevel),
            AttestationDER.octetString(challenge), AttestationDER.octetString([]),
            AttestationDER.sequence(softwareEnforced), AttestationDER.sequence(teeEnforced),
        ])
    }
}

/// The android-key format (WebAuthn L3 §8.4, §8.4.1).
@Suite("Attestation: android-key")
struct AttestationAndroidKeyTests {
    let fixture = AttestationFixture()
    let verifier = AttestationVerifier()

    /// The leaf certificate: the credential key, certified with a key description extension (when given).
    func leaf(key: EVPKey = AttestationKeys.credential.publicKey, description: [UInt8]?) -> X509Certificate {
        let extensions = description.map {
            [X509Extension(oid: "1.3.6.1.4.1.11129.2.1.17", critical: false, value: $0)]
        } ?? []
        return AttestationPKI.certificate(
            subject: [("2.5.4.3", "Android Keystore Key")], issuer: AttestationPKI.intermediateSubject,
            subjectKey: key, issuerKey: AttestationKeys.intermediateCA, serial: 11, isCA: nil, extensions: extensions)
    }

    func statement(
        _ description: AndroidKeyDescriptionBuilder?, signer: EVPPrivateKey = AttestationKeys.credential,
        leafKey: EVPKey = AttestationKeys.credential.publicKey, descriptionDER: [UInt8]? = nil
    ) -> CBORMap {
        let chain = [leaf(key: leafKey, description: descriptionDER ?? description?.der()), AttestationPKI.intermediate]
        let signature = try! signer.sign(message: fixture.signedData, scheme: .ecdsa(.sha256))
        return attestationStatement([("alg", -7), ("sig", .bytes(signature)), ("x5c", x5c(chain))])
    }

    var description: AndroidKeyDescriptionBuilder { AndroidKeyDescriptionBuilder(challenge: fixture.clientDataHash) }

    @Test("An android-key statement with origin and purpose in teeEnforced is accepted as basic with x5c")
    func accepted() throws {
        let statement = statement(description)
        let result = try verifier.verify(fixture.context("android-key", statement))
        #expect(result.type == .basic)
        #expect(result.trustPath.count == 2)
    }

    @Test("origin and purpose in softwareEnforced only are accepted by default (the union of both lists)")
    func softwareEnforcedAccepted() throws {
        var software = description
        software.softwareEnforced = software.teeEnforced
        software.teeEnforced = []
        software.attestationSecurityLevel = 0
        #expect(try verifier.verify(fixture.context("android-key", statement(software))).type == .basic)
    }

    @Test("RequireHardwareBackedAndroidKey refuses software-enforced keys and accepts TEE-enforced ones")
    func hardwareBackedPolicy() throws {
        let strict = AttestationVerifier { RequireHardwareBackedAndroidKey() }
        var software = description
        software.softwareEnforced = software.teeEnforced
        software.teeEnforced = []
        expectAttestationError(.attestationPolicyRejected) {
            try strict.verify(fixture.context("android-key", statement(software)))
        }
        var softwareLevel = description
        softwareLevel.attestationSecurityLevel = 0
        expectAttestationError(.attestationPolicyRejected) {
            try strict.verify(fixture.context("android-key", statement(softwareLevel)))
        }
        #expect(try strict.verify(fixture.context("android-key", statement(description))).type == .basic)
        // Other formats are not affected.
        #expect(try strict.verify(fixture.context("none", CBORMap())).type == .none)
    }

    @Test("An attestationChallenge that is not clientDataHash is attestation-invalid")
    func wrongChallenge() {
        var wrong = description
        wrong.challenge = Array(repeating: 0, count: 32)
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("allApplications in teeEnforced is attestation-invalid")
    func allApplicationsInTEE() {
        var wrong = description
        wrong.teeEnforced.insert(AndroidKeyDescriptionBuilder.allApplications, at: 2)
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("allApplications in softwareEnforced is attestation-invalid")
    func allApplicationsInSoftware() {
        var wrong = description
        wrong.softwareEnforced = [AndroidKeyDescriptionBuilder.allApplications]
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("An origin other than KM_ORIGIN_GENERATED is attestation-invalid")
    func importedOrigin() {
        var wrong = description
        wrong.teeEnforced = [AndroidKeyDescriptionBuilder.purpose([2]), AndroidKeyDescriptionBuilder.origin(2)]
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("A key description without origin is attestation-invalid")
    func missingOrigin() {
        var wrong = description
        wrong.teeEnforced = [AndroidKeyDescriptionBuilder.purpose([2])]
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("A purpose list without KM_PURPOSE_SIGN is attestation-invalid")
    func purposeWithoutSign() {
        var wrong = description
        wrong.teeEnforced = [AndroidKeyDescriptionBuilder.purpose([3]), AndroidKeyDescriptionBuilder.origin(0)]
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement(wrong))) }
    }

    @Test("A leaf certificate for another key than the credential's is attestation-invalid")
    func leafIsNotCredentialKey() {
        let statement = statement(
            description, signer: AttestationKeys.attestation, leafKey: AttestationKeys.attestation.publicKey)
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement)) }
    }

    @Test("A signature by a key other than the leaf's is signature-invalid")
    func wrongSigner() {
        let statement = statement(description, signer: AttestationKeys.otherCredential)
        expectAttestationError(.signatureInvalid) { try verifier.verify(fixture.context("android-key", statement)) }
    }

    @Test("A leaf without the key description extension is attestation-certificate-invalid")
    func noKeyDescription() {
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("android-key", statement(nil)))
        }
    }

    @Test("A malformed key description is attestation-certificate-invalid")
    func malformedKeyDescription() {
        let truncated = Array(description.der().dropLast(3))
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("android-key", statement(nil, descriptionDER: truncated)))
        }
    }

    @Test("An android-key statement without alg is attestation-invalid")
    func missingAlgorithm() {
        var statement = statement(description)
        statement[.text("alg")] = nil
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("android-key", statement)) }
    }
}
