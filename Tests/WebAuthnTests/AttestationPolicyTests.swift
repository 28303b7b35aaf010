import CBOR
import OpenSSLWrapper
import Synchronization
import Testing
import WebAuthn

/// Records what a policy saw and how often a lazy reason was built.
final class PolicyProbe: Sendable {
    let candidate = Mutex<AttestationCandidate?>(nil)
    let reasonsBuilt = Mutex(0)
}

/// Fails, counting how often its reason is built.
struct CountingFailurePolicy: AttestationPolicy {
    let probe: PolicyProbe
    func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        let probe = probe
        return .failsToMeetPolicy(reason: {
            probe.reasonsBuilt.withLock { $0 += 1 }
            return "counted"
        }())
    }
}

/// Meets every attestation and records it.
struct RecordingPolicy: AttestationPolicy {
    let probe: PolicyProbe
    func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        probe.candidate.withLock { $0 = candidate }
        return .meetsPolicy
    }
}

/// A relying party's own rule: only these formats.
struct OnlyFormats: AttestationPolicy {
    let formats: Set<String>
    func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        formats.contains(candidate.format) ? .meetsPolicy : .failsToMeetPolicy(reason: "format \(candidate.format)")
    }
}

/// Policies: require trusted attestation, accepted AAGUIDs, SHA-1, composition (WebAuthn L3 §7.1 step 24).
@Suite("Attestation: policies")
struct AttestationPolicyTests {
    let fixture = AttestationFixture()
    var mine: AAGUID { try! AAGUID(bytes: AttestationFixture.aaguid) }
    let other = try! AAGUID(bytes: Array(repeating: 0xAB, count: 16))
    var rootAnchors: TrustAnchorStore { try! TrustAnchorStore(pem: AttestationPKI.root.pem) }

    var trustedStatement: CBORMap {
        let signature = try! AttestationKeys.attestation.sign(message: fixture.signedData, scheme: .ecdsa(.sha256))
        return attestationStatement([
            ("alg", -7), ("sig", .bytes(signature)),
            ("x5c", x5c([AttestationPKI.standardLeaf, AttestationPKI.intermediate])),
        ])
    }

    @Test("AllowedAAGUIDs accepts a listed AAGUID and refuses others with aaguid-not-allowed")
    func allowedAAGUIDs() throws {
        let accepting = AttestationVerifier { AllowedAAGUIDs([mine]) }
        #expect(try accepting.verify(fixture.context("none", CBORMap())).type == .none)
        let refusing = AttestationVerifier { AllowedAAGUIDs([other]) }
        expectAttestationError(.aaguidNotAllowed) { try refusing.verify(fixture.context("none", CBORMap())) }
        let empty = AttestationVerifier { AllowedAAGUIDs([]) }
        expectAttestationError(.aaguidNotAllowed) { try empty.verify(fixture.context("none", CBORMap())) }
    }

    @Test("RequireTrustedAttestation accepts a trusted path")
    func requireTrustedAcceptsTrusted() throws {
        let verifier = AttestationVerifier(trustAnchors: rootAnchors) { RequireTrustedAttestation() }
        #expect(try verifier.verify(fixture.context("packed", trustedStatement)).isTrusted)
    }

    @Test("Every policy of a block must be met, in order: the first failure decides the code")
    func allOfOrder() throws {
        let verifier = AttestationVerifier {
            RequireTrustedAttestation()
            AllowedAAGUIDs([other])
        }
        expectAttestationError(.attestationUntrusted) { try verifier.verify(fixture.context("packed", trustedStatement)) }
        let trusted = AttestationVerifier(trustAnchors: rootAnchors) {
            RequireTrustedAttestation()
            AllowedAAGUIDs([other])
        }
        expectAttestationError(.aaguidNotAllowed) { try trusted.verify(fixture.context("packed", trustedStatement)) }
    }

    @Test("An empty OneOfAttestationPolicies fails closed with attestation-policy-rejected")
    func emptyOneOfFailsClosed() {
        let verifier = AttestationVerifier { OneOfAttestationPolicies {} }
        expectAttestationError(.attestationPolicyRejected) { try verifier.verify(fixture.context("none", CBORMap())) }
    }

    @Test("OneOf is met when any alternative is, and never builds the reasons of the alternatives that failed")
    func oneOfLazyReasons() throws {
        let probe = PolicyProbe()
        let verifier = AttestationVerifier {
            OneOfAttestationPolicies {
                CountingFailurePolicy(probe: probe)
                RequireTrustedAttestation()
                AllowedAAGUIDs([mine])
            }
        }
        #expect(try verifier.verify(fixture.context("none", CBORMap())).type == .none)
        #expect(probe.reasonsBuilt.withLock { $0 } == 0)
    }

    @Test("When every alternative fails the same way OneOf reports that code, otherwise attestation-policy-rejected")
    func oneOfCodes() {
        let same = AttestationVerifier {
            OneOfAttestationPolicies {
                AllowedAAGUIDs([other])
                AllowedAAGUIDs([.zero])
            }
        }
        expectAttestationError(.aaguidNotAllowed) { try same.verify(fixture.context("none", CBORMap())) }
        let mixed = AttestationVerifier {
            OneOfAttestationPolicies {
                RequireTrustedAttestation()
                AllowedAAGUIDs([other])
            }
        }
        expectAttestationError(.attestationPolicyRejected) { try mixed.verify(fixture.context("none", CBORMap())) }
    }

    @Test("A relying party's own policy refuses with attestation-policy-rejected by default")
    func customPolicy() throws {
        let verifier = AttestationVerifier { OnlyFormats(formats: ["packed"]) }
        expectAttestationError(.attestationPolicyRejected) { try verifier.verify(fixture.context("none", CBORMap())) }
        #expect(try verifier.verify(fixture.context("packed", trustedStatement)).type == .basic)
    }

    @Test("Policy blocks take if, else and for")
    func builderControlFlow() throws {
        for requireTrust in [false, true] {
            let verifier = AttestationVerifier {
                if requireTrust {
                    RequireTrustedAttestation()
                } else {
                    AllowedAAGUIDs([mine])
                }
                for aaguid in [mine] { AllowedAAGUIDs([aaguid]) }
            }
            if requireTrust {
                expectAttestationError(.attestationUntrusted) { try verifier.verify(fixture.context("none", CBORMap())) }
            } else {
                #expect(try verifier.verify(fixture.context("none", CBORMap())).type == .none)
            }
        }
    }

    @Test("RejectSHA1AttestationSignatures refuses an RS1 TPM attestation with algorithm-not-allowed")
    func rejectSHA1() throws {
        let rsaFixture = AttestationFixture(credential: AttestationKeys.rsa.publicKey, algorithm: .rs256)
        var builder = TPMStatementBuilder()
        builder.algorithm = .rs1
        builder.scheme = .rsaPKCS1v15(.sha1)
        builder.signer = AttestationKeys.rsa
        builder.chain = [TPMStatementBuilder.aikCertificate(key: AttestationKeys.rsa.publicKey)]
        let statement = builder.statement(rsaFixture, credential: AttestationKeys.rsa.publicKey)
        let strict = AttestationVerifier { RejectSHA1AttestationSignatures() }
        expectAttestationError(.algorithmNotAllowed) { try strict.verify(rsaFixture.context("tpm", statement)) }
        let es256 = TPMStatementBuilder().statement(fixture, credential: fixture.credentialKey.evpKey)
        #expect(try strict.verify(fixture.context("tpm", es256)).type == .attca)
    }

    @Test("A policy sees the format, type, AAGUID, trust path, trust outcome and signature algorithm")
    func candidateContents() throws {
        let probe = PolicyProbe()
        let verifier = AttestationVerifier { RecordingPolicy(probe: probe) }
        _ = try verifier.verify(fixture.context("packed", trustedStatement))
        let seen = try #require(probe.candidate.withLock { $0 })
        #expect(seen.format == "packed")
        #expect(seen.type == .basic)
        #expect(seen.aaguid == mine)
        #expect(seen.trustPath == [AttestationPKI.standardLeaf.derEncoded, AttestationPKI.intermediate.derEncoded])
        #expect(!seen.isTrusted)
        #expect(seen.untrustedReason != nil)
        #expect(seen.signatureAlgorithm == .es256)
        #expect(seen.androidKey == nil)
        #expect(seen.authenticatorData.rawValue == fixture.authenticatorData.rawValue)
    }

    @Test("PolicyEvaluationResult builds a failure's reason only when asked")
    func lazyReason() {
        let probe = PolicyProbe()
        let result = CountingFailurePolicy(probe: probe).evaluate(
            try! PolicyProbeCandidate.make(fixture: fixture, probe: PolicyProbe()))
        #expect(!result.isMet)
        #expect(result.failureCode == .attestationPolicyRejected)
        #expect(probe.reasonsBuilt.withLock { $0 } == 0)
        #expect(result.failure?.reason == "counted")
        #expect(probe.reasonsBuilt.withLock { $0 } == 1)
        #expect(PolicyEvaluationResult.meetsPolicy.isMet)
        #expect(PolicyEvaluationResult.meetsPolicy.failure == nil)
    }
}

/// Gets a real candidate by running a recording policy (candidates have no public initializer).
enum PolicyProbeCandidate {
    static func make(fixture: AttestationFixture, probe: PolicyProbe) throws -> AttestationCandidate {
        _ = try AttestationVerifier { RecordingPolicy(probe: probe) }.verify(fixture.context("none", CBORMap()))
        return try #require(probe.candidate.withLock { $0 })
    }
}
