import CBOR
import Foundation
import OpenSSLWrapper
import Testing
@_spi(DisableSafetyNetTimestampCheck) import WebAuthn

/// Builds a SafetyNet JWS (RFC 7515 compact serialization) signed by a test "attest.android.com" certificate.
struct SafetyNetResponseBuilder {
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
    static func base64URL(_ bytes: [UInt8]) -> String {
        base64(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func leaf(key: EVPKey, hostname: String = "attest.android.com") -> X509Certificate {
        let san = AttestationDER.sequence([AttestationDER.implicitPrimitive(2, Array(hostname.utf8))])
        return AttestationPKI.certificate(
            subject: [("2.5.4.3", hostname)], issuer: AttestationPKI.intermediateSubject, subjectKey: key,
            issuerKey: AttestationKeys.intermediateCA, serial: 13, isCA: false,
            extensions: [X509Extension(oid: "2.5.29.17", critical: false, value: san)])
    }

    var algorithm = "RS256"
    var signer: EVPPrivateKey = AttestationKeys.rsa
    var chain: [X509Certificate] = [leaf(key: AttestationKeys.rsa.publicKey), AttestationPKI.intermediate]
    var nonce: String? = nil
    var timestampMs: Int64 = attestationTestNow * 1000 - 1500
    var ctsProfileMatch = "true"
    var headerOverride: String? = nil
    var payloadOverride: String? = nil
    var tamperSignature = false

    func response(_ fixture: AttestationFixture) -> [UInt8] {
        let x5c = chain.map { "\"\(Self.base64($0.derEncoded))\"" }.joined(separator: ",")
        let header = headerOverride ?? #"{"alg":"\#(algorithm)","x5c":[\#(x5c)]}"#
        let expectedNonce = Self.base64(Digest.sha256(fixture.signedData))
        let payload = payloadOverride ?? """
            {"nonce":"\(nonce ?? expectedNonce)","timestampMs":\(timestampMs),"apkPackageName":"com.google.android.gms",\
            "ctsProfileMatch":\(ctsProfileMatch),"basicIntegrity":true,"evaluationType":"BASIC"}
            """
        let input = Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(payload.utf8))
        var signature: [UInt8]
        if case .ec = signer.publicKey.kind {
            let der = try! signer.sign(message: Array(input.utf8), scheme: .ecdsa(.sha256))
            signature = AttestationDER.rawECDSASignature(der, size: 32)
        } else {
            signature = try! signer.sign(message: Array(input.utf8), scheme: .rsaPKCS1v15(.sha256))
        }
        if tamperSignature { signature[signature.count - 1] ^= 1 }
        return Array((input + "." + Self.base64URL(signature)).utf8)
    }

    func statement(_ fixture: AttestationFixture, version: CBORValue? = "212621037") -> CBORMap {
        var members: [(String, CBORValue)] = [("response", .bytes(response(fixture)))]
        if let version { members.insert(("ver", version), at: 0) }
        return attestationStatement(members)
    }
}

/// The android-safetynet format (WebAuthn L3 §8.5).
@Suite("Attestation: android-safetynet")
struct AttestationAndroidSafetyNetTests {
    let fixture = AttestationFixture()
    let verifier = AttestationVerifier()

    func verify(
        _ builder: SafetyNetResponseBuilder, verifier: AttestationVerifier? = nil, version: CBORValue? = "212621037"
    ) throws -> ValidatedAttestation {
        try (verifier ?? self.verifier).verify(
            fixture.context("android-safetynet", builder.statement(fixture, version: version)))
    }

    @Test("An RS256 SafetyNet response from attest.android.com is accepted as basic with the JWS x5c as trust path")
    func rs256Accepted() throws {
        let builder = SafetyNetResponseBuilder()
        let result = try verify(builder)
        #expect(result.type == .basic)
        #expect(result.trustPath == builder.chain.map(\.derEncoded))
    }

    @Test("An ES256 SafetyNet response (JOSE r || s signature) is accepted")
    func es256Accepted() throws {
        var builder = SafetyNetResponseBuilder()
        builder.algorithm = "ES256"
        builder.signer = AttestationKeys.attestation
        builder.chain = [SafetyNetResponseBuilder.leaf(key: AttestationKeys.attestation.publicKey)]
        #expect(try verify(builder).type == .basic)
    }

    @Test("A nonce other than base64(SHA-256(authData || clientDataHash)) is attestation-invalid")
    func wrongNonce() {
        var builder = SafetyNetResponseBuilder()
        builder.nonce = SafetyNetResponseBuilder.base64(Digest.sha256([1, 2, 3]))
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("ctsProfileMatch false is attestation-invalid")
    func ctsProfileMismatch() {
        var builder = SafetyNetResponseBuilder()
        builder.ctsProfileMatch = "false"
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A response exactly 60 s old is fresh; one 60.001 s old is attestation-invalid")
    func tooOld() throws {
        var builder = SafetyNetResponseBuilder()
        builder.timestampMs = (attestationTestNow - 60) * 1000
        #expect(try verify(builder).type == .basic)
        builder.timestampMs -= 1
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A response timestamped after the verification time is accepted by default, since its timestamp is signed")
    func fromTheFutureByDefault() throws {
        var builder = SafetyNetResponseBuilder()
        builder.timestampMs = (attestationTestNow + 3 * 86_400) * 1000
        #expect(try verify(builder).type == .basic)
    }

    @Test("With maximumFutureSkew 5 s, a response 5.001 s after the verification time is attestation-invalid")
    func boundedFuture() throws {
        let bounded = AttestationVerifier(
            trustAnchors: TrustAnchorStore(), safetyNetTimestampWindow: SafetyNetTimestampWindow(maximumFutureSkew: 5))
        var builder = SafetyNetResponseBuilder()
        builder.timestampMs = (attestationTestNow + 5) * 1000
        #expect(try verify(builder, verifier: bounded).type == .basic)
        builder.timestampMs += 1
        expectAttestationError(.attestationInvalid) { try verify(builder, verifier: bounded) }
    }

    @Test("A wider SafetyNetTimestampWindow accepts an hour-old response")
    func customWindow() throws {
        var builder = SafetyNetResponseBuilder()
        builder.timestampMs = (attestationTestNow - 3600) * 1000
        let relaxed = AttestationVerifier(
            trustAnchors: TrustAnchorStore(), safetyNetTimestampWindow: SafetyNetTimestampWindow(maximumAge: 3600))
        #expect(try verify(builder, verifier: relaxed).type == .basic)
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("The unchecked window (an SPI) accepts any timestamp")
    func uncheckedWindow() throws {
        var builder = SafetyNetResponseBuilder()
        builder.timestampMs = 1
        let unchecked = AttestationVerifier(trustAnchors: TrustAnchorStore(), safetyNetTimestampWindow: .unchecked)
        #expect(try verify(builder, verifier: unchecked).type == .basic)
    }

    @Test("A leaf not issued to attest.android.com is attestation-certificate-invalid")
    func wrongHostname() {
        var builder = SafetyNetResponseBuilder()
        builder.chain = [SafetyNetResponseBuilder.leaf(key: AttestationKeys.rsa.publicKey, hostname: "attest.example.com")]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }

    @Test("A JWS signature that does not verify is signature-invalid")
    func badSignature() {
        var builder = SafetyNetResponseBuilder()
        builder.tamperSignature = true
        expectAttestationError(.signatureInvalid) { try verify(builder) }
    }

    @Test("A JWS alg other than RS256 or ES256 is unsupported-algorithm")
    func unsupportedAlgorithm() {
        var builder = SafetyNetResponseBuilder()
        builder.algorithm = "HS256"
        expectAttestationError(.unsupportedAlgorithm) { try verify(builder) }
    }

    @Test("A JWS header without x5c is attestation-invalid")
    func headerWithoutChain() {
        var builder = SafetyNetResponseBuilder()
        builder.headerOverride = #"{"alg":"RS256"}"#
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A JWS payload that is not a JSON object is attestation-invalid")
    func payloadNotJSON() {
        var builder = SafetyNetResponseBuilder()
        builder.payloadOverride = "not json"
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A response that is not three dot-separated parts is attestation-invalid")
    func notCompactJWS() {
        let statement = attestationStatement([("ver", "1"), ("response", .bytes(Array("a.b".utf8)))])
        expectAttestationError(.attestationInvalid) {
            try verifier.verify(fixture.context("android-safetynet", statement))
        }
    }

    @Test("A statement without ver is attestation-invalid")
    func missingVersion() {
        expectAttestationError(.attestationInvalid) { try verify(SafetyNetResponseBuilder(), version: nil) }
    }
}
