import Foundation
import OpenSSLWrapper
import Testing

/// Reads a DER certificate with Python's `cryptography` and prints one `|`-separated field per line.
let pythonCertificateReader = #"""
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
c = x509.load_der_x509_certificate(open(sys.argv[1], "rb").read())
print("version|%d" % (c.version.value + 1))
print("serial|%x" % c.serial_number)
print("notBefore|%d" % int(c.not_valid_before_utc.timestamp()))
print("notAfter|%d" % int(c.not_valid_after_utc.timestamp()))
for a in c.subject: print("subject|%s|%s" % (a.oid.dotted_string, a.value))
for a in c.issuer: print("issuer|%s|%s" % (a.oid.dotted_string, a.value))
for e in c.extensions: print("extension|%s|%d|%s" % (e.oid.dotted_string, e.critical, e.value.public_bytes().hex()))
print("signatureAlgorithm|%s" % c.signature_algorithm_oid.dotted_string)
print("tbs|%s" % c.tbs_certificate_bytes.hex())
print("spki|%s" % c.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex())
"""#

/// The fields Python read, as lines split at `|`.
struct PythonCertificateFields {
    let lines: [[String]]

    init(derFile: URL) throws {
        let output = try ExternalTool.run("python3", ["-c", pythonCertificateReader, derFile.path]).output
        lines = output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    func value(_ key: String) -> String? { lines.first { $0.first == key }?.dropFirst().first }
    func all(_ key: String) -> [[String]] { lines.filter { $0.first == key }.map { Array($0.dropFirst()) } }
}

@Suite struct X509CertificateTests {
    @Test("a certificate made by the openssl CLI parses with the fields Python's cryptography reads")
    func opensslCertificate() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ExternalTool.run(
            "openssl",
            [
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "30", "-set_serial", "0xc0ffee12",
                "-subj", "/C=DE/O=KeyBridge Test/OU=Authenticator Attestation/CN=KeyBridge Leaf",
                "-addext", "basicConstraints=critical,CA:FALSE",
                "-addext", "keyUsage=critical,digitalSignature",
                "-addext", "extendedKeyUsage=1.3.6.1.4.1.311.10.3.1,serverAuth",
                "-addext", "1.3.6.1.4.1.45724.1.1.4=DER:04:10:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
            ], directory: directory)
        try ExternalTool.run("openssl", ["x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der"], directory: directory)
        let derURL = directory.appendingPathComponent("cert.der")
        let der = [UInt8](try Data(contentsOf: derURL))
        let python = try PythonCertificateFields(derFile: derURL)

        let certificate = try X509Certificate(derEncoded: der)
        #expect(certificate.derEncoded == der)
        #expect(String(certificate.version) == python.value("version"))
        #expect(Array(certificate.serialNumber.drop { $0 == 0 }).hex == python.value("serial"))
        #expect(certificate.serialNumber == [0x00, 0xC0, 0xFF, 0xEE, 0x12])
        #expect(String(certificate.notBefore) == python.value("notBefore"))
        #expect(String(certificate.notAfter) == python.value("notAfter"))
        #expect(certificate.notAfter - certificate.notBefore == 30 * 86_400)
        #expect(certificate.subject.attributes.map { [$0.oid, $0.value] } == python.all("subject"))
        #expect(certificate.issuer.attributes.map { [$0.oid, $0.value] } == python.all("issuer"))
        #expect(certificate.subject.values(for: "2.5.4.11") == ["Authenticator Attestation"])
        #expect(certificate.subject == certificate.issuer)
        #expect(!certificate.subject.isEmpty)
        #expect(certificate.extensions.map { [$0.oid, $0.critical ? "1" : "0", $0.value.hex] } == python.all("extension"))
        #expect(certificate.extension(oid: "1.3.6.1.4.1.45724.1.1.4")?.value == [0x04, 0x10] + (0..<16).map { UInt8($0) * 0x11 })
        #expect(certificate.extension(oid: "2.5.29.17") == nil)
        #expect(certificate.basicConstraints?.isCA == false)
        #expect(certificate.basicConstraints?.pathLength == nil)
        #expect(certificate.extendedKeyUsage == ["1.3.6.1.4.1.311.10.3.1", "1.3.6.1.5.5.7.3.1"])
        #expect(certificate.signatureAlgorithmOID == python.value("signatureAlgorithm"))
        #expect(certificate.signatureAlgorithmOID == "1.2.840.10045.4.3.2")
        #expect(certificate.tbsCertificateDER.hex == python.value("tbs"))
        #expect(try certificate.publicKey.subjectPublicKeyInfoDER().hex == python.value("spki"))

        // PEM: ours is byte-identical to openssl's, and reading openssl's PEM gives the same certificate.
        let pem = try String(contentsOf: directory.appendingPathComponent("cert.pem"), encoding: .utf8)
        #expect(certificate.pem == pem)
        #expect(try X509Certificate.certificates(fromPEM: pem) == [certificate])
    }

    @Test("a builder-made certificate carries exactly the fields set, as Python's cryptography reads them")
    func builderFields() throws {
        let key = try EVPPrivateKey.generate(.ec(.p256))
        var builder = X509CertificateBuilder(
            subject: [("2.5.4.6", "SE"), ("2.5.4.10", "KeyBridge Test"), ("2.5.4.11", "Authenticator Attestation"), ("2.5.4.3", "Bülow")],
            issuer: [("2.5.4.3", "KeyBridge Test CA")], publicKey: key.publicKey,
            notBefore: 1_700_000_000, notAfter: 2_600_000_000, serialNumber: [0x80, 0x01])
        builder.addBasicConstraints(isCA: true, pathLength: 2)
        builder.addKeyUsage([.keyCertSign, .cRLSign, .digitalSignature])
        try builder.addExtendedKeyUsage(["2.23.133.8.3"])
        builder.addExtension(oid: "1.3.6.1.4.1.45724.1.1.4", critical: false, value: [0x04, 0x10] + [UInt8](repeating: 0x42, count: 16))
        let certificate = try builder.sign(with: key, scheme: .ecdsa(.sha256))

        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let derURL = directory.appendingPathComponent("built.der")
        try Data(certificate.derEncoded).write(to: derURL)
        let python = try PythonCertificateFields(derFile: derURL)
        #expect(python.value("version") == "3")
        #expect(python.value("serial") == "8001")
        #expect(certificate.serialNumber == [0x00, 0x80, 0x01])
        #expect(python.value("notBefore") == "1700000000")
        #expect(python.value("notAfter") == "2600000000")  // after 2049: GeneralizedTime
        #expect(certificate.notAfter == 2_600_000_000)
        #expect(python.all("subject") == [["2.5.4.6", "SE"], ["2.5.4.10", "KeyBridge Test"], ["2.5.4.11", "Authenticator Attestation"], ["2.5.4.3", "Bülow"]])
        #expect(python.all("issuer") == [["2.5.4.3", "KeyBridge Test CA"]])
        // RFC 5280 DER: basicConstraints SEQUENCE { TRUE, 2 }; keyUsage bits 0, 5, 6 -> 03 02 01 86; EKU SEQUENCE { OID }.
        #expect(python.all("extension").map { $0[0] + "|" + $0[1] + "|" + $0[2] } == [
            "2.5.29.19|1|30060101ff020102",
            "2.5.29.15|1|03020186",
            "2.5.29.37|0|300706056781050803",
            "1.3.6.1.4.1.45724.1.1.4|0|0410" + String(repeating: "42", count: 16),
        ])
        #expect(certificate.basicConstraints?.isCA == true)
        #expect(certificate.basicConstraints?.pathLength == 2)
        #expect(certificate.extendedKeyUsage == ["2.23.133.8.3"])
        #expect(certificate.subject.values(for: "2.5.4.3") == ["Bülow"])
        #expect(certificate.issuer.values(for: "2.5.4.3") == ["KeyBridge Test CA"])
    }

    struct SigningCase: Sendable, CustomTestStringConvertible {
        let kind: EVPKeyKind
        let scheme: SignatureScheme
        let oid: String
        var testDescription: String { "\(scheme)" }
    }

    static let signingCases: [SigningCase] = [
        SigningCase(kind: .ec(.p256), scheme: .ecdsa(.sha256), oid: "1.2.840.10045.4.3.2"),
        SigningCase(kind: .ec(.p384), scheme: .ecdsa(.sha384), oid: "1.2.840.10045.4.3.3"),
        SigningCase(kind: .ec(.p521), scheme: .ecdsa(.sha512), oid: "1.2.840.10045.4.3.4"),
        SigningCase(kind: .rsa(bits: 2048), scheme: .rsaPKCS1v15(.sha256), oid: "1.2.840.113549.1.1.11"),
        SigningCase(kind: .rsa(bits: 2048), scheme: .rsaPSS(.sha256), oid: "1.2.840.113549.1.1.10"),
        SigningCase(kind: .ed25519, scheme: .eddsa, oid: "1.3.101.112"),
        SigningCase(kind: .ed448, scheme: .eddsa, oid: "1.3.101.113"),
    ]

    @Test("a leaf signed by a builder-made CA with each scheme passes `openssl verify`", arguments: signingCases)
    func builderSignaturesVerifyWithOpenSSL(_ signing: SigningCase) throws {
        let caKey = try TestKeys.key(signing.kind)
        var caBuilder = X509CertificateBuilder(
            subject: [("2.5.4.3", "KeyBridge Test Root")], publicKey: caKey.publicKey, notBefore: 1_600_000_000,
            notAfter: 2_000_000_000)
        caBuilder.addBasicConstraints(isCA: true)
        caBuilder.addKeyUsage([.keyCertSign])
        let ca = try caBuilder.sign(with: caKey, scheme: signing.scheme)
        let leafKey = try TestKeys.key(.ec(.p256))
        var leafBuilder = X509CertificateBuilder(
            subject: [("2.5.4.3", "KeyBridge Test Leaf")], issuer: [("2.5.4.3", "KeyBridge Test Root")],
            publicKey: leafKey.publicKey, notBefore: 1_700_000_000, notAfter: 1_800_000_000, serialNumber: [7])
        leafBuilder.addBasicConstraints(isCA: false)
        let leaf = try leafBuilder.sign(with: caKey, scheme: signing.scheme)
        #expect(leaf.signatureAlgorithmOID == signing.oid)

        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ca.pem.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try leaf.pem.write(to: directory.appendingPathComponent("leaf.pem"), atomically: true, encoding: .utf8)
        let good = try ExternalTool.run(
            "openssl", ["verify", "-attime", "1750000000", "-CAfile", "ca.pem", "leaf.pem"], directory: directory)
        #expect(good.output.contains("leaf.pem: OK"))
        #expect(try X509ChainVerifier.validate(leaf: leaf, intermediates: [], trustAnchors: [ca], at: 1_750_000_000) == [leaf, ca])
    }

    @Test("a leaf whose BasicConstraints carries a non-DER explicit FALSE (30 03 01 01 00) still parses and validates")
    func sloppyBasicConstraints() throws {
        let caKey = try TestKeys.key(.ec(.p256))
        var caBuilder = X509CertificateBuilder(
            subject: [("2.5.4.3", "Sloppy Root")], publicKey: caKey.publicKey, notBefore: 1_600_000_000, notAfter: 2_000_000_000)
        caBuilder.addBasicConstraints(isCA: true)
        let ca = try caBuilder.sign(with: caKey, scheme: .ecdsa(.sha256))
        let leafKey = try EVPPrivateKey.generate(.ec(.p256))
        var leafBuilder = X509CertificateBuilder(
            subject: [("2.5.4.3", "Sloppy Leaf")], issuer: [("2.5.4.3", "Sloppy Root")], publicKey: leafKey.publicKey,
            notBefore: 1_600_000_000, notAfter: 2_000_000_000, serialNumber: [2])
        leafBuilder.addExtension(oid: "2.5.29.19", critical: true, value: [0x30, 0x03, 0x01, 0x01, 0x00])
        let leaf = try leafBuilder.sign(with: caKey, scheme: .ecdsa(.sha256))
        let reparsed = try X509Certificate(derEncoded: leaf.derEncoded)
        #expect(reparsed.extension(oid: "2.5.29.19")?.value == [0x30, 0x03, 0x01, 0x01, 0x00])
        #expect(reparsed.basicConstraints?.isCA == false)
        #expect(reparsed.basicConstraints?.pathLength == nil)
        #expect(try X509ChainVerifier.validate(leaf: reparsed, intermediates: [], trustAnchors: [ca], at: 1_700_000_000).count == 2)
    }

    @Test("a certificate without extensions has no basic constraints and no extended key usage")
    func absentExtensions() throws {
        let key = try TestKeys.key(.ec(.p256))
        var builder = X509CertificateBuilder(
            subject: [("2.5.4.3", "Plain")], publicKey: key.publicKey, notBefore: 1_600_000_000, notAfter: 2_000_000_000)
        builder.version = 1
        let certificate = try builder.sign(with: key, scheme: .ecdsa(.sha256))
        #expect(certificate.version == 1)
        #expect(certificate.basicConstraints == nil)
        #expect(certificate.extendedKeyUsage == nil)
        #expect(certificate.extensions.isEmpty)
    }

    @Test("DER with trailing bytes, truncated DER and garbage are rejected")
    func malformedDER() throws {
        let key = try TestKeys.key(.ec(.p256))
        let certificate = try X509CertificateBuilder(
            subject: [("2.5.4.3", "T")], publicKey: key.publicKey, notBefore: 0, notAfter: 2_000_000_000
        ).sign(with: key, scheme: .ecdsa(.sha256))
        let der = certificate.derEncoded
        #expect(throws: OpenSSLError.self) { try X509Certificate(derEncoded: der + [0]) }
        #expect(throws: OpenSSLError.self) { try X509Certificate(derEncoded: Array(der.dropLast())) }
        #expect(throws: OpenSSLError.self) { try X509Certificate(derEncoded: []) }
        #expect(throws: OpenSSLError.self) { try X509Certificate(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(certificate.notBefore == 0)
    }

    @Test("a PEM bundle yields every certificate in order; text without a certificate or with a broken block is rejected")
    func pemBundles() throws {
        let key = try TestKeys.key(.ec(.p256))
        let first = try X509CertificateBuilder(
            subject: [("2.5.4.3", "First")], publicKey: key.publicKey, notBefore: 0, notAfter: 2_000_000_000
        ).sign(with: key, scheme: .ecdsa(.sha256))
        let second = try X509CertificateBuilder(
            subject: [("2.5.4.3", "Second")], publicKey: key.publicKey, notBefore: 0, notAfter: 2_000_000_000
        ).sign(with: key, scheme: .ecdsa(.sha256))
        let bundle = "leading text\n" + first.pem + "between\n" + second.pem
        #expect(try X509Certificate.certificates(fromPEM: bundle) == [first, second])
        #expect(throws: OpenSSLError.self) { try X509Certificate.certificates(fromPEM: "") }
        #expect(throws: OpenSSLError.self) { try X509Certificate.certificates(fromPEM: key.publicKey.pem()) }
        let broken = first.pem + "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        #expect(throws: OpenSSLError.self) { try X509Certificate.certificates(fromPEM: broken) }
    }

    @Test("the builder refuses an invalid OID, a bad version and a scheme that does not fit the key")
    func builderRejections() throws {
        let key = try TestKeys.key(.ec(.p256))
        var builder = X509CertificateBuilder(
            subject: [("2.5.4.3", "T")], publicKey: key.publicKey, notBefore: 0, notAfter: 2_000_000_000)
        #expect(throws: OpenSSLError.self) { try builder.addExtendedKeyUsage(["not.an.oid"]) }
        #expect(throws: OpenSSLError.self) { try builder.sign(with: key, scheme: .rsaPKCS1v15(.sha256)) }
        builder.version = 4
        #expect(throws: OpenSSLError.self) { try builder.sign(with: key, scheme: .ecdsa(.sha256)) }
        builder.version = 3
        builder.subject = [("99", "x")]
        #expect(throws: OpenSSLError.self) { try builder.sign(with: key, scheme: .ecdsa(.sha256)) }
    }

    @Test("parsing the same DER twice gives equal, independently usable certificates")
    func repeatedParse() throws {
        let key = try TestKeys.key(.ec(.p256))
        let der = try X509CertificateBuilder(
            subject: [("2.5.4.3", "Repeated")], publicKey: key.publicKey, notBefore: 0, notAfter: 2_000_000_000
        ).sign(with: key, scheme: .ecdsa(.sha256)).derEncoded
        var first: X509Certificate? = try X509Certificate(derEncoded: der)
        let second = try X509Certificate(derEncoded: der)
        #expect(first == second)
        #expect(first?.fingerprint == Digest.sha256(der))
        first = nil
        #expect(second.subject.values(for: "2.5.4.3") == ["Repeated"])
        #expect(try second.publicKey == key.publicKey)
        #expect(try X509ChainVerifier.validate(leaf: second, intermediates: [], trustAnchors: [second], at: 1_000) == [second])
    }
}
