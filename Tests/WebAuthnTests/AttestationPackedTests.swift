import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

/// The none and packed formats (WebAuthn L3 §8.7, §8.2, §8.2.1) and format selection.
@Suite("Attestation: none, packed and format selection")
struct AttestationPackedTests {
    let fixture = AttestationFixture()
    let verifier = AttestationVerifier()

    /// A packed full statement signed by `signer` with `alg`, carrying `chain`.
    func packedFull(
        chain: [X509Certificate] = [AttestationPKI.standardLeaf, AttestationPKI.intermediate],
        signer: EVPPrivateKey = AttestationKeys.attestation, alg: COSEAlgorithm = .es256,
        scheme: SignatureScheme = .ecdsa(.sha256)
    ) -> CBORMap {
        let signature = try! signer.sign(message: fixture.signedData, scheme: scheme)
        return attestationStatement([("alg", CBORValue(alg.rawValue)), ("sig", .bytes(signature)), ("x5c", x5c(chain))])
    }

    /// A packed self statement signed with the credential key.
    func packedSelf(alg: COSEAlgorithm = .es256, message: [UInt8]? = nil) -> CBORMap {
        let signature = try! AttestationKeys.credential.sign(message: message ?? fixture.signedData, scheme: .ecdsa(.sha256))
        return attestationStatement([("alg", CBORValue(alg.rawValue)), ("sig", .bytes(signature))])
    }

    // MARK: - none

    @Test("An empty none statement is accepted as attestation type none with no trust path")
    func noneAccepted() throws {
        let result = try verifier.verify(fixture.context("none", CBORMap()))
        #expect(result.format == "none")
        #expect(result.type == .none)
        #expect(result.trustPath.isEmpty)
        #expect(!result.isTrusted)
    }

    @Test("A none statement with members is attestation-invalid")
    func noneWithMembers() {
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("none", attestationStatement([("sig", .bytes([1]))])))
        }
    }

    // MARK: - format selection

    @Test("An unknown fmt is unsupported-attestation-format")
    func unknownFormat() {
        expectAttestationError(.unsupportedAttestationFormat) {
            try verifier.verify(fixture.context("packed-ish", CBORMap()))
        }
    }

    @Test("A format the relying party did not enable is unsupported-attestation-format")
    func disabledFormat() {
        let noneOnly = AttestationVerifier(trustAnchors: TrustAnchorStore(), formats: [.none])
        expectAttestationError(.unsupportedAttestationFormat) {
            try noneOnly.verify(fixture.context("packed", packedSelf()))
        }
        #expect(throws: Never.self) { try noneOnly.verify(fixture.context("none", CBORMap())) }
    }

    // MARK: - packed self

    @Test("A packed self statement signed by the credential key is accepted as self attestation")
    func packedSelfAccepted() throws {
        let result = try verifier.verify(fixture.context("packed", packedSelf()))
        #expect(result.type == .self)
        #expect(result.trustPath.isEmpty)
        #expect(!result.isTrusted)
    }

    @Test("Packed self attestation with an EdDSA credential key verifies the raw Ed25519 signature")
    func packedSelfEd25519() throws {
        let key = try EVPPrivateKey(ed25519Seed: Array(repeating: 7, count: 32))
        let ed = AttestationFixture(credential: key.publicKey, algorithm: .eddsa)
        let signature = try key.sign(message: ed.signedData, scheme: .eddsa)
        let statement = attestationStatement([("alg", CBORValue(-8)), ("sig", .bytes(signature))])
        #expect(try verifier.verify(ed.context("packed", statement)).type == .self)
    }

    @Test("Packed self attestation whose alg differs from the credential key's is attestation-invalid")
    func packedSelfAlgorithmMismatch() {
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("packed", packedSelf(alg: .es384)))
        }
    }

    @Test("Packed self attestation over other data is signature-invalid")
    func packedSelfWrongSignature() {
        expectAttestationError(.signatureInvalid) {
            try verifier.verify(fixture.context("packed", packedSelf(message: fixture.signedData + [0])))
        }
    }

    @Test("Packed self attestation signed by another key is signature-invalid")
    func packedSelfOtherKey() {
        let signature = try! AttestationKeys.otherCredential.sign(message: fixture.signedData, scheme: .ecdsa(.sha256))
        let statement = attestationStatement([("alg", CBORValue(-7)), ("sig", .bytes(signature))])
        expectAttestationError(.signatureInvalid) { try verifier.verify(fixture.context("packed", statement)) }
    }

    @Test("A packed statement without sig is attestation-invalid")
    func packedMissingSignature() {
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("packed", attestationStatement([("alg", CBORValue(-7))])))
        }
    }

    @Test("A packed statement whose alg is not an integer is attestation-invalid")
    func packedAlgorithmNotInteger() {
        let statement = attestationStatement([("alg", "ES256"), ("sig", .bytes([0x30, 0x00]))])
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("packed", statement)) }
    }

    @Test("A packed ECDAA statement (ecdaaKeyId) is attestation-invalid")
    func packedECDAA() {
        var statement = packedSelf()
        statement[.text("ecdaaKeyId")] = .bytes([1, 2, 3])
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("packed", statement)) }
    }

    // MARK: - packed full

    @Test("A packed statement with x5c is accepted as basic attestation with x5c as its trust path")
    func packedFullAccepted() throws {
        let chain = [AttestationPKI.standardLeaf, AttestationPKI.intermediate]
        let result = try verifier.verify(fixture.context("packed", packedFull(chain: chain)))
        #expect(result.type == .basic)
        #expect(result.trustPath == chain.map(\.derEncoded))
        #expect(!result.isTrusted)
    }

    @Test("A packed x5c leaf with the matching non-critical AAGUID extension is accepted")
    func packedMatchingAAGUIDExtension() throws {
        let leaf = AttestationPKI.packedLeaf(extensions: [AttestationPKI.aaguidExtension(AttestationFixture.aaguid)])
        #expect(try verifier.verify(fixture.context("packed", packedFull(chain: [leaf]))).type == .basic)
    }

    @Test("A packed RSA attestation certificate with alg RS256 is accepted")
    func packedRSALeaf() throws {
        let leaf = AttestationPKI.packedLeaf(key: AttestationKeys.rsa.publicKey)
        let statement = packedFull(chain: [leaf], signer: AttestationKeys.rsa, alg: .rs256, scheme: .rsaPKCS1v15(.sha256))
        #expect(try verifier.verify(fixture.context("packed", statement)).type == .basic)
    }

    @Test("A packed signature by a key other than attestnCert's is signature-invalid")
    func packedFullWrongKey() {
        expectAttestationError(.signatureInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(signer: AttestationKeys.otherAttestation)))
        }
    }

    @Test("A packed alg that does not fit attestnCert's key type is attestation-invalid")
    func packedAlgorithmDoesNotFitKey() {
        let statement = packedFull(alg: .rs256)
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("packed", statement)) }
    }

    @Test("A packed alg this verifier does not implement is unsupported-algorithm")
    func packedUnknownAlgorithm() {
        expectAttestationError(.unsupportedAlgorithm) {
            try verifier.verify(fixture.context("packed", packedFull(alg: COSEAlgorithm(rawValue: -999))))
        }
    }

    @Test("A packed RS1 signature is algorithm-not-allowed unless the ceremony allows RS1")
    func packedRS1() throws {
        let leaf = AttestationPKI.packedLeaf(key: AttestationKeys.rsa.publicKey)
        let statement = packedFull(chain: [leaf], signer: AttestationKeys.rsa, alg: .rs1, scheme: .rsaPKCS1v15(.sha1))
        expectAttestationError(.algorithmNotAllowed) { try verifier.verify(fixture.context("packed", statement)) }
        #expect(try verifier.verify(fixture.context("packed", statement, allowRS1: true)).type == .basic)
    }

    @Test("An empty packed x5c is attestation-invalid")
    func packedEmptyChain() {
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [])))
        }
    }

    @Test("A packed x5c entry that is not a certificate is attestation-certificate-invalid")
    func packedChainGarbage() {
        var statement = packedFull()
        statement[.text("x5c")] = .array([.bytes([0x30, 0x03, 0x02, 0x01, 0x01])])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", statement))
        }
    }

    @Test("§8.2.1: an attestnCert that is not X.509 version 3 is attestation-certificate-invalid")
    func packedVersion1() {
        let leaf = AttestationPKI.packedLeaf(isCA: nil, version: 1)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test(
        "§8.2.1: an attestnCert subject without C, O, CN or OU \"Authenticator Attestation\" is attestation-certificate-invalid",
        arguments: ["2.5.4.6", "2.5.4.10", "2.5.4.11", "2.5.4.3"])
    func packedSubjectIncomplete(missing oid: String) {
        let leaf = AttestationPKI.packedLeaf(subject: AttestationPKI.packedSubject.filter { $0.oid != oid })
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2.1: an attestnCert whose OU is not \"Authenticator Attestation\" is attestation-certificate-invalid")
    func packedWrongOrganizationalUnit() {
        let subject = AttestationPKI.packedSubject.map { $0.oid == "2.5.4.11" ? ($0.oid, "Attestation") : $0 }
        let leaf = AttestationPKI.packedLeaf(subject: subject)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2.1: an attestnCert whose C is not a two-letter code is attestation-certificate-invalid")
    func packedWrongCountry() {
        let subject = AttestationPKI.packedSubject.map { $0.oid == "2.5.4.6" ? ($0.oid, "S1") : $0 }
        let leaf = AttestationPKI.packedLeaf(subject: subject)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2.1: a CA attestnCert is attestation-certificate-invalid")
    func packedCALeaf() {
        let leaf = AttestationPKI.packedLeaf(isCA: true)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2.1: an attestnCert without basic constraints is attestation-certificate-invalid")
    func packedNoBasicConstraints() {
        let leaf = AttestationPKI.packedLeaf(isCA: nil)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2.1: a critical AAGUID extension is attestation-certificate-invalid")
    func packedCriticalAAGUIDExtension() {
        let leaf = AttestationPKI.packedLeaf(
            extensions: [AttestationPKI.aaguidExtension(AttestationFixture.aaguid, critical: true)])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("§8.2: an AAGUID extension that differs from authData's AAGUID is attestation-certificate-invalid")
    func packedMismatchedAAGUIDExtension() {
        let leaf = AttestationPKI.packedLeaf(extensions: [AttestationPKI.aaguidExtension(Array(repeating: 9, count: 16))])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }

    @Test("An AAGUID extension that is not a 16-byte OCTET STRING is attestation-certificate-invalid")
    func packedMalformedAAGUIDExtension() {
        let ext = X509Extension(oid: "1.3.6.1.4.1.45724.1.1.4", critical: false, value: AttestationFixture.aaguid)
        let leaf = AttestationPKI.packedLeaf(extensions: [ext])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("packed", packedFull(chain: [leaf])))
        }
    }
}
