import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

/// Builds a `tpm` attestation statement the way a TPM 2.0 would (TPM 2.0 Library Part 2: TPMT_PUBLIC §12.2.4,
/// TPMS_ATTEST §10.12.12), with mutation points for the negative cases.
struct TPMStatementBuilder {
    static func u16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    static func u32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> UInt32($0)) & 0xFF) } }
    static func sized(_ b: [UInt8]) -> [UInt8] { u16(b.count) + b }

    /// The AIK certificate per WebAuthn L3 §8.3.1: version 3, empty subject, SAN directoryName with the TPM
    /// attributes, EKU tcg-kp-AIKCertificate, CA false.
    static func aikCertificate(
        key: EVPKey = AttestationKeys.attestation.publicKey, subject: [(oid: String, value: String)] = [],
        sanAttributes: [(String, String)] = [
            ("2.23.133.2.1", "id:4B424744"), ("2.23.133.2.2", "KeyBridge TPM"), ("2.23.133.2.3", "id:00020000"),
        ], eku: [String] = ["2.23.133.8.3"], isCA: Bool = false, extraExtensions: [X509Extension] = []
    ) -> X509Certificate {
        let rdn = AttestationDER.set(sanAttributes.map {
            AttestationDER.sequence([AttestationDER.oid($0.0), AttestationDER.utf8String($0.1)])
        })
        let san = AttestationDER.sequence([AttestationDER.explicit(4, AttestationDER.sequence([rdn]))])
        var extensions = [X509Extension(oid: "2.5.29.17", critical: true, value: san)]
        if !eku.isEmpty {
            extensions.append(
                X509Extension(oid: "2.5.29.37", critical: false, value: AttestationDER.sequence(eku.map(AttestationDER.oid))))
        }
        return AttestationPKI.certificate(
            subject: subject, issuer: AttestationPKI.intermediateSubject, subjectKey: key,
            issuerKey: AttestationKeys.intermediateCA, serial: 7, isCA: isCA, extensions: extensions + extraExtensions)
    }

    var version: CBORValue = "2.0"
    var algorithm: COSEAlgorithm = .es256
    var signer: EVPPrivateKey = AttestationKeys.attestation
    var scheme: SignatureScheme = .ecdsa(.sha256)
    var chain: [X509Certificate] = [aikCertificate(), AttestationPKI.intermediate]
    var pubAreaKey: EVPKey? = nil
    var nameAlgorithm = 0x000B
    var magic: UInt32 = 0xFF54_4347
    var type = 0x8017
    var extraData: [UInt8]? = nil
    var attestedName: [UInt8]? = nil
    var certInfoSuffix: [UInt8] = []
    var pubAreaSuffix: [UInt8] = []
    var pubAreaTruncation = 0

    /// TPMT_PUBLIC for the credential key.
    func pubArea(for key: EVPKey) -> [UInt8] {
        var area: [UInt8] = []
        switch key.kind {
        case .rsa:
            let modulus = key.rsaComponents!.modulus
            area += Self.u16(0x0001) + Self.u16(nameAlgorithm) + Self.u32(0x0006_0472) + Self.sized([])
            area += Self.u16(0x0010)  // symmetric: TPM_ALG_NULL
            area += Self.u16(0x0010)  // scheme: TPM_ALG_NULL
            area += Self.u16(modulus.count * 8) + Self.u32(0)  // keyBits, exponent 0 = 65537
            area += Self.sized(modulus)
        default:
            let point = key.ecPublicPoint!
            area += Self.u16(0x0023) + Self.u16(nameAlgorithm) + Self.u32(0x0006_0472) + Self.sized([])
            area += Self.u16(0x0010)  // symmetric: TPM_ALG_NULL
            area += Self.u16(0x0018) + Self.u16(0x000B)  // scheme: TPM_ALG_ECDSA with SHA-256
            area += Self.u16(0x0003)  // curveID: TPM_ECC_NIST_P256
            area += Self.u16(0x0010)  // kdf: TPM_ALG_NULL
            area += Self.sized(point.x) + Self.sized(point.y)
        }
        return Array((area + pubAreaSuffix).dropLast(pubAreaTruncation))
    }

    func statement(_ fixture: AttestationFixture, credential: EVPKey) -> CBORMap {
        let area = pubArea(for: pubAreaKey ?? credential)
        let hash: DigestAlgorithm = algorithm == .rs1 ? .sha1 : .sha256
        var certInfo = Self.u32(magic) + Self.u16(type)
        certInfo += Self.sized(Self.u16(0x000B) + Array(repeating: 0x51, count: 32))  // qualifiedSigner
        certInfo += Self.sized(extraData ?? Digest.hash(hash, fixture.signedData))
        certInfo += Array(repeating: 0, count: 8) + Self.u32(1) + Self.u32(2) + [1]  // clockInfo
        certInfo += Array(repeating: 0x22, count: 8)  // firmwareVersion
        certInfo += Self.sized(attestedName ?? (Self.u16(0x000B) + Digest.sha256(area)))
        certInfo += Self.sized([])  // qualifiedName
        certInfo += certInfoSuffix
        let signature = try! signer.sign(message: certInfo, scheme: scheme)
        return attestationStatement([
            ("ver", version), ("alg", CBORValue(algorithm.rawValue)), ("x5c", x5c(chain)), ("sig", .bytes(signature)),
            ("certInfo", .bytes(certInfo)), ("pubArea", .bytes(area)),
        ])
    }
}

/// The tpm format (WebAuthn L3 §8.3, §8.3.1).
@Suite("Attestation: tpm")
struct AttestationTPMTests {
    let fixture = AttestationFixture()
    let verifier = AttestationVerifier()

    func verify(_ builder: TPMStatementBuilder, _ fixture: AttestationFixture? = nil) throws -> ValidatedAttestation {
        let fixture = fixture ?? self.fixture
        let statement = builder.statement(fixture, credential: fixture.credentialKey.evpKey)
        return try verifier.verify(fixture.context("tpm", statement))
    }

    @Test("A TPM ECC statement is accepted as attca with x5c as its trust path")
    func eccAccepted() throws {
        let builder = TPMStatementBuilder()
        let result = try verify(builder)
        #expect(result.type == .attca)
        #expect(result.trustPath == builder.chain.map(\.derEncoded))
    }

    @Test("A TPM RSA statement signed with RS1, as Windows Hello does, is accepted by default")
    func rsaWithRS1Accepted() throws {
        let rsaFixture = AttestationFixture(credential: AttestationKeys.rsa.publicKey, algorithm: .rs256)
        var builder = TPMStatementBuilder()
        builder.algorithm = .rs1
        builder.scheme = .rsaPKCS1v15(.sha1)
        builder.signer = AttestationKeys.rsa
        builder.chain = [TPMStatementBuilder.aikCertificate(key: AttestationKeys.rsa.publicKey)]
        #expect(try verify(builder, rsaFixture).type == .attca)
    }

    @Test("A TPM statement whose ver is not 2.0 is attestation-invalid")
    func wrongVersion() {
        var builder = TPMStatementBuilder()
        builder.version = "1.2"
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM pubArea for another key than the credential's is attestation-invalid")
    func pubAreaOtherKey() {
        var builder = TPMStatementBuilder()
        builder.pubAreaKey = AttestationKeys.otherCredential.publicKey
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM pubArea of another key type than the credential's is attestation-invalid")
    func pubAreaOtherType() {
        var builder = TPMStatementBuilder()
        builder.pubAreaKey = AttestationKeys.rsa.publicKey
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A truncated TPM pubArea is attestation-invalid")
    func pubAreaTruncated() {
        var builder = TPMStatementBuilder()
        builder.pubAreaTruncation = 5
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM pubArea with trailing bytes is attestation-invalid")
    func pubAreaTrailing() {
        var builder = TPMStatementBuilder()
        builder.pubAreaSuffix = [0]
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM certInfo whose magic is not TPM_GENERATED_VALUE is attestation-invalid")
    func wrongMagic() {
        var builder = TPMStatementBuilder()
        builder.magic = 0xFF54_4348
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM certInfo whose type is not TPM_ST_ATTEST_CERTIFY is attestation-invalid")
    func wrongType() {
        var builder = TPMStatementBuilder()
        builder.type = 0x8018  // TPM_ST_ATTEST_QUOTE
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM extraData that is not the hash of authData || clientDataHash is attestation-invalid")
    func wrongExtraData() {
        var builder = TPMStatementBuilder()
        builder.extraData = Digest.sha256(fixture.signedData + [0])
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM extraData hashed with another algorithm than alg's is attestation-invalid")
    func extraDataWrongHash() {
        var builder = TPMStatementBuilder()
        builder.extraData = Digest.hash(.sha1, fixture.signedData)
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM attested name that is not nameAlg || H(pubArea) is attestation-invalid")
    func wrongName() {
        var builder = TPMStatementBuilder()
        builder.attestedName = TPMStatementBuilder.u16(0x000B) + Array(repeating: 0, count: 32)
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM pubArea with an unknown nameAlg is attestation-invalid")
    func unknownNameAlgorithm() {
        var builder = TPMStatementBuilder()
        builder.nameAlgorithm = 0x0099
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM certInfo with trailing bytes is attestation-invalid")
    func certInfoTrailing() {
        var builder = TPMStatementBuilder()
        builder.certInfoSuffix = [0]
        expectAttestationError(.attestationInvalid) { try verify(builder) }
    }

    @Test("A TPM signature by a key other than the AIK's is signature-invalid")
    func wrongSigner() {
        var builder = TPMStatementBuilder()
        builder.signer = AttestationKeys.otherAttestation
        expectAttestationError(.signatureInvalid) { try verify(builder) }
    }

    @Test("A TPM statement without x5c is attestation-invalid")
    func noChain() {
        var statement = TPMStatementBuilder().statement(fixture, credential: fixture.credentialKey.evpKey)
        statement[.text("x5c")] = nil
        expectAttestationError(.attestationInvalid) { try verifier.verify(fixture.context("tpm", statement)) }
    }

    @Test("§8.3.1: an AIK certificate with a subject is attestation-certificate-invalid")
    func aikWithSubject() {
        var builder = TPMStatementBuilder()
        builder.chain = [TPMStatementBuilder.aikCertificate(subject: [("2.5.4.3", "AIK")])]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }

    @Test(
        "§8.3.1: an AIK SAN without tpmManufacturer, tpmModel or tpmVersion is attestation-certificate-invalid",
        arguments: ["2.23.133.2.1", "2.23.133.2.2", "2.23.133.2.3"])
    func aikSANIncomplete(missing oid: String) {
        var builder = TPMStatementBuilder()
        let attributes = [
            ("2.23.133.2.1", "id:4B424744"), ("2.23.133.2.2", "KeyBridge TPM"), ("2.23.133.2.3", "id:00020000"),
        ].filter { $0.0 != oid }
        builder.chain = [TPMStatementBuilder.aikCertificate(sanAttributes: attributes)]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }

    @Test("§8.3.1: an AIK certificate without the tcg-kp-AIKCertificate EKU is attestation-certificate-invalid")
    func aikWithoutEKU() {
        var builder = TPMStatementBuilder()
        builder.chain = [TPMStatementBuilder.aikCertificate(eku: ["1.3.6.1.5.5.7.3.2"])]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }

    @Test("§8.3.1: a CA AIK certificate is attestation-certificate-invalid")
    func aikIsCA() {
        var builder = TPMStatementBuilder()
        builder.chain = [TPMStatementBuilder.aikCertificate(isCA: true)]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }

    @Test("§8.3: an AIK AAGUID extension that differs from authData's is attestation-certificate-invalid")
    func aikWrongAAGUID() {
        var builder = TPMStatementBuilder()
        builder.chain = [
            TPMStatementBuilder.aikCertificate(extraExtensions: [AttestationPKI.aaguidExtension(Array(repeating: 1, count: 16))])
        ]
        expectAttestationError(.attestationCertificateInvalid) { try verify(builder) }
    }
}
