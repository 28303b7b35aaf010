import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

/// Trust-path validation against caller-supplied anchors at the injected verification time (WebAuthn L3 §7.1
/// steps 23 and 24), and the trust anchor store.
@Suite("Attestation: trust anchors and trust paths")
struct AttestationTrustTests {
    let fixture = AttestationFixture()

    func packedStatement(chain: [X509Certificate]) -> CBORMap {
        let signature = try! AttestationKeys.attestation.sign(message: fixture.signedData, scheme: .ecdsa(.sha256))
        return attestationStatement([("alg", -7), ("sig", .bytes(signature)), ("x5c", x5c(chain))])
    }

    let fullChain = [AttestationPKI.standardLeaf, AttestationPKI.intermediate]

    func anchors(_ certificates: X509Certificate..., scope: TrustAnchorStore.Scope = .allFormats) -> TrustAnchorStore {
        var store = TrustAnchorStore()
        for certificate in certificates { try! store.add(der: certificate.derEncoded, for: scope) }
        return store
    }

    /// Another root with the same name as the real one but its own key.
    static let impostorRoot = AttestationPKI.certificate(
        subject: AttestationPKI.rootSubject, issuer: nil, subjectKey: AttestationKeys.p256(0x66).publicKey,
        issuerKey: AttestationKeys.p256(0x66), serial: 1, isCA: true)

    @Test("A leaf + intermediate chain that validates to the root anchor is trusted")
    func trustedToRoot() throws {
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        let result = try verifier.verify(fixture.context("packed", packedStatement(chain: fullChain)))
        #expect(result.isTrusted)
        #expect(result.trustPath == fullChain.map(\.derEncoded))
    }

    @Test("An intermediate CA works as a trust anchor (partial chain)")
    func trustedToIntermediate() throws {
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.intermediate))
        let statement = packedStatement(chain: [AttestationPKI.packedLeaf()])
        #expect(try verifier.verify(fixture.context("packed", statement)).isTrusted)
    }

    @Test("Without trust anchors a correctly signed attestation is accepted and untrusted")
    func untrustedWithoutAnchors() throws {
        let result = try AttestationVerifier().verify(fixture.context("packed", packedStatement(chain: fullChain)))
        #expect(!result.isTrusted)
        expectAttestationError(.attestationUntrusted) {
            try AttestationVerifier { RequireTrustedAttestation() }
                .verify(fixture.context("packed", packedStatement(chain: fullChain)))
        }
    }

    @Test("A chain that does not lead to the anchor is untrusted; trust required makes it attestation-untrusted")
    func wrongAnchor() throws {
        let store = anchors(Self.impostorRoot)
        let lenient = AttestationVerifier(trustAnchors: store)
        #expect(try !lenient.verify(fixture.context("packed", packedStatement(chain: fullChain))).isTrusted)
        let strict = AttestationVerifier(trustAnchors: store) { RequireTrustedAttestation() }
        expectAttestationError(.attestationUntrusted) {
            try strict.verify(fixture.context("packed", packedStatement(chain: fullChain)))
        }
    }

    @Test("A chain missing its intermediate does not validate to the root")
    func missingIntermediate() throws {
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        let statement = packedStatement(chain: [AttestationPKI.packedLeaf()])
        #expect(try !verifier.verify(fixture.context("packed", statement)).isTrusted)
    }

    @Test("A leaf that expired before the injected time is untrusted; at an earlier injected time it is trusted")
    func expiredAtInjectedTime() throws {
        let leaf = AttestationPKI.packedLeaf(notBefore: attestationTestNow - 86_400, notAfter: attestationTestNow - 1)
        let statement = packedStatement(chain: [leaf, AttestationPKI.intermediate])
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        #expect(try !verifier.verify(fixture.context("packed", statement, time: attestationTestNow)).isTrusted)
        #expect(try verifier.verify(fixture.context("packed", statement, time: attestationTestNow - 3600)).isTrusted)
        let strict = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root)) { RequireTrustedAttestation() }
        expectAttestationError(.attestationUntrusted) {
            try strict.verify(fixture.context("packed", statement, time: attestationTestNow))
        }
    }

    @Test("A leaf not yet valid at the injected time is untrusted")
    func notYetValid() throws {
        let leaf = AttestationPKI.packedLeaf(notBefore: attestationTestNow + 60, notAfter: attestationTestNow + 86_400)
        let statement = packedStatement(chain: [leaf, AttestationPKI.intermediate])
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        #expect(try !verifier.verify(fixture.context("packed", statement)).isTrusted)
        #expect(try verifier.verify(fixture.context("packed", statement, time: attestationTestNow + 120)).isTrusted)
    }

    @Test("Without anchors no validity period is checked: an expired attestation certificate is accepted untrusted")
    func expiredWithoutAnchors() throws {
        let leaf = AttestationPKI.packedLeaf(notBefore: attestationTestNow - 86_400, notAfter: attestationTestNow - 1)
        let result = try AttestationVerifier().verify(fixture.context("packed", packedStatement(chain: [leaf])))
        #expect(result.type == .basic)
        #expect(!result.isTrusted)
    }

    @Test("Self and none attestation have no trust path and are never trusted, whatever the anchors")
    func selfIsNeverTrusted() throws {
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        let signature = try AttestationKeys.credential.sign(message: fixture.signedData, scheme: .ecdsa(.sha256))
        let statement = attestationStatement([("alg", -7), ("sig", .bytes(signature))])
        #expect(try !verifier.verify(fixture.context("packed", statement)).isTrusted)
        #expect(try !verifier.verify(fixture.context("none", CBORMap())).isTrusted)
        let strict = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root)) { RequireTrustedAttestation() }
        expectAttestationError(.attestationUntrusted) { try strict.verify(fixture.context("packed", statement)) }
        expectAttestationError(.attestationUntrusted) { try strict.verify(fixture.context("none", CBORMap())) }
    }

    @Test("An anchor scoped to one format vouches only for that format")
    func formatScopedAnchor() throws {
        let statement = packedStatement(chain: fullChain)
        let forApple = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root, scope: .format(.apple)))
        #expect(try !forApple.verify(fixture.context("packed", statement)).isTrusted)
        let forPacked = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root, scope: .format(.packed)))
        #expect(try forPacked.verify(fixture.context("packed", statement)).isTrusted)
    }

    @Test("An anchor scoped to one AAGUID vouches only for that AAGUID")
    func aaguidScopedAnchor() throws {
        let statement = packedStatement(chain: fullChain)
        let mine = try AAGUID(bytes: AttestationFixture.aaguid)
        let other = try AAGUID(bytes: Array(repeating: 0xAB, count: 16))
        let forMine = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root, scope: .aaguid(mine)))
        #expect(try forMine.verify(fixture.context("packed", statement)).isTrusted)
        let forOther = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root, scope: .aaguid(other)))
        #expect(try !forOther.verify(fixture.context("packed", statement)).isTrusted)
    }

    @Test("TPM, android-safetynet and apple trust paths validate to the anchor too")
    func otherFormatsValidate() throws {
        let verifier = AttestationVerifier(trustAnchors: anchors(AttestationPKI.root))
        let tpm = TPMStatementBuilder().statement(fixture, credential: fixture.credentialKey.evpKey)
        #expect(try verifier.verify(fixture.context("tpm", tpm)).isTrusted)
        let safetyNet = SafetyNetResponseBuilder().statement(fixture)
        #expect(try verifier.verify(fixture.context("android-safetynet", safetyNet)).isTrusted)
        let value = AttestationDER.sequence([AttestationDER.explicit(1, AttestationDER.octetString(Digest.sha256(fixture.signedData)))])
        let credCert = AttestationPKI.certificate(
            subject: [("2.5.4.3", "credential")], issuer: AttestationPKI.intermediateSubject,
            subjectKey: AttestationKeys.credential.publicKey, issuerKey: AttestationKeys.intermediateCA, serial: 9,
            isCA: false, extensions: [X509Extension(oid: "1.2.840.113635.100.8.2", critical: false, value: value)])
        let apple = attestationStatement([("x5c", x5c([credCert, AttestationPKI.intermediate]))])
        #expect(try verifier.verify(fixture.context("apple", apple)).isTrusted)
    }

    // MARK: - TrustAnchorStore

    @Test("A trust anchor store reads every certificate of a PEM text")
    func storeFromPEM() throws {
        let store = try TrustAnchorStore(pem: AttestationPKI.root.pem + AttestationPKI.intermediate.pem)
        #expect(store.count == 2)
        #expect(!store.isEmpty)
        #expect(TrustAnchorStore().isEmpty)
        let verifier = AttestationVerifier(trustAnchors: store)
        #expect(try verifier.verify(fixture.context("packed", packedStatement(chain: fullChain))).isTrusted)
    }

    @Test("A PEM text without a certificate is malformed-input")
    func storeRejectsBadPEM() {
        #expect { try TrustAnchorStore(pem: "no certificate here") } throws: { error in
            (error as? WebAuthnError)?.code == .malformedInput
        }
        #expect { try TrustAnchorStore(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") } throws: {
            error in (error as? WebAuthnError)?.code == .malformedInput
        }
    }

    @Test("DER bytes that are not one certificate are malformed-input")
    func storeRejectsBadDER() {
        var store = TrustAnchorStore()
        #expect { try store.add(der: [0x30, 0x00]) } throws: { error in
            (error as? WebAuthnError)?.code == .malformedInput
        }
        #expect { try store.add(der: AttestationPKI.root.derEncoded + [0]) } throws: { error in
            (error as? WebAuthnError)?.code == .malformedInput
        }
        #expect(store.isEmpty)
    }
}
