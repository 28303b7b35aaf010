import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

/// The fido-u2f (WebAuthn L3 §8.6) and apple (§8.8) formats.
@Suite("Attestation: fido-u2f and apple")
struct AttestationFIDOU2FAndAppleTests {
    let fixture = AttestationFixture()
    let verifier = AttestationVerifier()

    // MARK: - fido-u2f

    /// 0x00 || rpIdHash || clientDataHash || credentialId || 0x04 || x || y, built from the fixture's parts.
    func u2fVerificationData(_ fixture: AttestationFixture, rpIDHash: [UInt8] = AttestationFixture.rpIDHash) -> [UInt8] {
        let point = fixture.credentialKey.subjectPublicKeyInfoDER().suffix(65)  // SPKI of P-256 ends with 04 || x || y
        return [0x00] + rpIDHash + fixture.clientDataHash + AttestationFixture.credentialID + Array(point)
    }

    func u2fStatement(
        _ fixture: AttestationFixture, chain: [X509Certificate] = [AttestationPKI.standardLeaf],
        signer: EVPPrivateKey = AttestationKeys.attestation, rpIDHash: [UInt8] = AttestationFixture.rpIDHash
    ) -> CBORMap {
        let message = u2fVerificationData(fixture, rpIDHash: rpIDHash)
        let signature = try! signer.sign(message: message, scheme: .ecdsa(.sha256))
        return attestationStatement([("sig", .bytes(signature)), ("x5c", x5c(chain))])
    }

    @Test("A fido-u2f statement over the U2F registration data is accepted as basic with its certificate as trust path")
    func u2fAccepted() throws {
        let leaf = AttestationPKI.packedLeaf()
        let result = try verifier.verify(fixture.context("fido-u2f", u2fStatement(fixture, chain: [leaf])))
        #expect(result.type == .basic)
        #expect(result.trustPath == [leaf.derEncoded])
    }

    @Test("A fido-u2f x5c with two certificates is attestation-invalid")
    func u2fTwoCertificates() {
        let statement = u2fStatement(fixture, chain: [AttestationPKI.standardLeaf, AttestationPKI.intermediate])
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("fido-u2f", statement)) }
    }

    @Test("A fido-u2f statement without x5c is attestation-invalid")
    func u2fNoCertificate() {
        var statement = u2fStatement(fixture)
        statement[.text("x5c")] = nil
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("fido-u2f", statement)) }
    }

    @Test("A fido-u2f attestation certificate with a P-384 key is attestation-certificate-invalid")
    func u2fCertificateNotP256() {
        let key = AttestationKeys.p384(0x41)
        let statement = attestationStatement([
            ("sig", .bytes(try! key.sign(message: u2fVerificationData(fixture), scheme: .ecdsa(.sha256)))),
            ("x5c", x5c([AttestationPKI.packedLeaf(key: key.publicKey)])),
        ])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("fido-u2f", statement))
        }
    }

    @Test("A fido-u2f registration whose credential key is not EC2 P-256 is attestation-invalid")
    func u2fCredentialNotP256() {
        let p384 = AttestationFixture(credential: AttestationKeys.p384(0x42).publicKey, algorithm: .es384)
        let statement = attestationStatement([
            ("sig", .bytes([0x30, 0x00])), ("x5c", x5c([AttestationPKI.packedLeaf()])),
        ])
        expectAttestationError(.attestationInvalid) { try verifier.verify(p384.context("fido-u2f", statement)) }
    }

    @Test("A fido-u2f signature over another rpIdHash is signature-invalid")
    func u2fWrongRPIDHash() {
        let statement = u2fStatement(fixture, rpIDHash: Digest.sha256(Array("evil.example".utf8)))
        expectAttestationError(.signatureInvalid) { try verifier.verify(fixture.context("fido-u2f", statement)) }
    }

    @Test("A fido-u2f signature by a key other than the certificate's is signature-invalid")
    func u2fWrongSigner() {
        let statement = u2fStatement(fixture, signer: AttestationKeys.otherAttestation)
        expectAttestationError(.signatureInvalid) { try verifier.verify(fixture.context("fido-u2f", statement)) }
    }

    // MARK: - apple

    /// credCert for `key` with the nonce extension `SEQUENCE { [1] EXPLICIT OCTET STRING nonce }`.
    func appleCertificate(key: EVPKey = AttestationKeys.credential.publicKey, nonce: [UInt8]?) -> X509Certificate {
        var extensions: [X509Extension] = []
        if let nonce {
            let value = AttestationDER.sequence([AttestationDER.explicit(1, AttestationDER.octetString(nonce))])
            extensions.append(X509Extension(oid: "1.2.840.113635.100.8.2", critical: false, value: value))
        }
        return AttestationPKI.certificate(
            subject: [("2.5.4.3", "credential"), ("2.5.4.10", "KeyBridge Tests")],
            issuer: AttestationPKI.intermediateSubject, subjectKey: key, issuerKey: AttestationKeys.intermediateCA,
            serial: 9, isCA: false, extensions: extensions)
    }

    @Test("An apple statement whose credCert certifies the nonce and the credential key is accepted as anonca")
    func appleAccepted() throws {
        let credCert = appleCertificate(nonce: Digest.sha256(fixture.signedData))
        let chain = [credCert, AttestationPKI.intermediate]
        let result = try verifier.verify(fixture.context("apple", attestationStatement([("x5c", x5c(chain))])))
        #expect(result.type == .anonca)
        #expect(result.trustPath == chain.map(\.derEncoded))
    }

    @Test("An apple nonce that is not SHA-256(authData || clientDataHash) is attestation-invalid")
    func appleWrongNonce() {
        let credCert = appleCertificate(nonce: Digest.sha256(fixture.signedData + [1]))
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("apple", attestationStatement([("x5c", x5c([credCert]))])))
        }
    }

    @Test("An apple credCert for another key than the credential's is attestation-invalid")
    func appleWrongKey() {
        let credCert = appleCertificate(
            key: AttestationKeys.otherCredential.publicKey, nonce: Digest.sha256(fixture.signedData))
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("apple", attestationStatement([("x5c", x5c([credCert]))])))
        }
    }

    @Test("An apple credCert without the nonce extension is attestation-certificate-invalid")
    func appleNoNonceExtension() {
        let credCert = appleCertificate(nonce: nil)
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("apple", attestationStatement([("x5c", x5c([credCert]))])))
        }
    }

    @Test("An apple nonce extension that is not SEQUENCE { [1] OCTET STRING } is attestation-certificate-invalid")
    func appleMalformedNonceExtension() {
        let ext = X509Extension(
            oid: "1.2.840.113635.100.8.2", critical: false,
            value: AttestationDER.octetString(Digest.sha256(fixture.signedData)))
        let credCert = AttestationPKI.certificate(
            subject: [("2.5.4.3", "credential")], issuer: AttestationPKI.intermediateSubject,
            subjectKey: AttestationKeys.credential.publicKey, issuerKey: AttestationKeys.intermediateCA, serial: 9,
            isCA: false, extensions: [ext])
        expectAttestationError(.attestationCertificateInvalid) {
            try verifier.verify(fixture.context("apple", attestationStatement([("x5c", x5c([credCert]))])))
        }
    }

    @Test("An apple statement without x5c is attestation-invalid")
    func appleNoChain() {
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("apple", CBORMap())) }
    }
}
