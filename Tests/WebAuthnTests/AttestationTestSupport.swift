import CBOR
import OpenSSLWrapper
import Testing
import WebAuthn

// Test-side builders for attestation statements. They follow the specifications (WebAuthn L3 §8, TPM 2.0 Part 2,
// the Android key description schema, RFC 7515) independently of the verifier's parsers, and use fixed keys and
// certificates made at test time with OpenSSLWrapper's X509CertificateBuilder.

/// The verification time every attestation test uses unless it says otherwise: 2025-06-15T15:06:40Z.
let attestationTestNow: Int64 = 1_750_000_000

/// Fixed keys: EC keys from fixed private scalars, an RSA key generated once for these tests with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`.
enum AttestationKeys {
    static func p256(_ seed: UInt8) -> EVPPrivateKey {
        // 32 bytes counting up from `seed` (1 ≤ seed < 0xE0): always in [1, n).
        try! EVPPrivateKey(ecPrivateScalar: (0..<32).map { seed &+ UInt8($0) }, curve: .p256)
    }

    static func p384(_ seed: UInt8) -> EVPPrivateKey {
        try! EVPPrivateKey(ecPrivateScalar: (0..<48).map { seed &+ UInt8($0) }, curve: .p384)
    }

    static let credential = p256(0x11)
    static let otherCredential = p256(0x12)
    static let rootCA = p256(0x21)
    static let intermediateCA = p256(0x22)
    static let attestation = p256(0x31)
    static let otherAttestation = p256(0x32)

    static let rsa = try! EVPPrivateKey(pem: rsaPEM)

    private static let rsaPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDBCOWsg4h+fiXV
        QMLaqohcOK1rIcKE3y2wzc25YC8TcVsUlaf3LFLUHMSwijrS0mHcLNOB3Ga3D1fU
        WNaQU1Wx1bIm4bl89e3EulnrtZXXHna/MaFFgLHxMp5SvfRyWlYAsoRM4nqlhNN5
        9+K3V1C4/wP8VoGLiat60D7DiuvyZAEgMZWXDAJm4BkhPt1AS8rb3Ki4oVAAAD85
        b9w1PnReNL4CODC4M1vGm5dB51LS5Kxut3AI/+eMqXiVdPZ0rHWKW7Cdo3vlnmV6
        gPosL/F1qBqvmzd+52MP8XDkOi1IqSc8/GLH6+h3O6HQeQrREOg4PtJvCltNZSrx
        YMGmXKdXAgMBAAECggEAIYTd/NrKNMzK3QDl1PqPuxPMaTHviQsH8A+MjYf6JLIm
        Uqi6Bd2YdGSact1N4ZXOkGDoSUBwRZFQevsCJwWRd9PXn5DKmLxLkUGao6dgYX5U
        uFZx3pO+UlerzkpVzBWLoYteFcut6FfsMN2ubI+o4LbHhmWvEP/S2vyWKXZSCkCt
        nT48Tnb40BYaOGAjd8FwXFdLCXQmO2RohysOaXdPNkRxNEvE1DpfmYmu8Pjni5dX
        KsupkyiVCJpphSLjwPWZnqGskF9ksqKmoLhFyd5aRdQNZUZYsG+C6ja3GYpdnzP7
        iQoXLp0/FTigpiGLqsprRl8Z9h12a7bgS7/KfFimQQKBgQD3TGp8Ifus21SEu/1A
        c/zmeKp9EZesqpjrw6tGMP6ojt3MRERHQeu3OGgeCbyYYwCcB6/aXqZebvb6Zfyv
        a9hPDyLP8aj5VZWhVpv+yapqoWOjCHEzRNBuB6e9tQYLK9pYSUdTPYdlZt9CIj8F
        V3giofMhlcncXeKhrhYJ6n5zrwKBgQDH07DtzNAaW5vnktMHEdgc2z2FtUXu7d1L
        dgwWI8tX95HOAJudKDFrx0+gkmw5TRe97jWltXWEDOILvOm5rO0bf46mIx3CUIV0
        Eew20Kgqrt9YOCGxpoOUn1TrDsbp1pXgvtnbyOu3pesLNwphVugXAN8TFQNivp7K
        WeAg1Iro2QKBgGUkh9jFPV3xRpwTFv0pcyH/8Bq++z3PeEPU/1Px7fWamPRWZ2aN
        e46wL0U5zjy1ISavriit1XWCBNlcpQBKJ2oOUrqhp+5yJoSaG6sVZ/G8mDex2DqT
        xnt5/g0E4Lfo86BwOA+/doTukhlGUGgq4iOoAPyXerv6WhquTK05jwZZAoGALpur
        quuYpm0zogHXAtEgrSpd4S/0zdPhR9aS3x8eMLhn47q0kSVs0Yy9f+BnKb5XiU9k
        Z/A5JsGyf7ZidZJmA4HvDcUnDcmmNvpvNCHa94muQm9lPIBwNFwtfF4H+0a30qHx
        QphMkps6hXUjEK0qmSL05QiDr6ZydxQbeMzaUZECgYAz1cAUZ+8v5M4uY4eTWfe1
        +NmEs2pkNomfKLVbFBrQkrQX7y7fetD+vxV4TSdP+6ZgYr8HzwZz5/xr400aufiq
        /47w0kwrgnqD0gV4bfVRCO8QqZTlR2ypUbBtDKIEtDG8vnQ5o1DX67tXLwbRcUfg
        4tv7jgTHq90qSWIAmGvF1w==
        -----END PRIVATE KEY-----
        """

    /// The scheme a CA key signs certificates with.
    static func certificateScheme(_ key: EVPPrivateKey) -> SignatureScheme {
        if case .rsa = key.publicKey.kind { return .rsaPKCS1v15(.sha256) }
        return .ecdsa(.sha256)
    }
}

/// A small DER writer for test inputs (ITU-T X.690), written apart from the verifier's reader.
enum AttestationDER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 128 { return [UInt8(count)] }
        var octets: [UInt8] = []
        var n = count
        while n > 0 {
            octets.insert(UInt8(n & 0xFF), at: 0)
            n >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets
    }

    static func tlv(_ identifier: [UInt8], _ contents: [UInt8]) -> [UInt8] { identifier + length(contents.count) + contents }
    static func sequence(_ parts: [[UInt8]]) -> [UInt8] { tlv([0x30], parts.flatMap { $0 }) }
    static func set(_ parts: [[UInt8]]) -> [UInt8] { tlv([0x31], parts.flatMap { $0 }) }
    static func octetString(_ bytes: [UInt8]) -> [UInt8] { tlv([0x04], bytes) }
    static let null: [UInt8] = [0x05, 0x00]
    static func utf8String(_ text: String) -> [UInt8] { tlv([0x0C], Array(text.utf8)) }

    static func integer(_ value: Int, tag: UInt8 = 0x02) -> [UInt8] {
        var bytes: [UInt8] = []
        var n = value
        repeat {
            bytes.insert(UInt8(n & 0xFF), at: 0)
            n >>= 8
        } while n > 0
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv([tag], bytes)
    }

    static func enumerated(_ value: Int) -> [UInt8] { integer(value, tag: 0x0A) }

    static func oid(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").map { Int($0)! }
        var body: [UInt8] = []
        for arc in [arcs[0] * 40 + arcs[1]] + arcs.dropFirst(2) {
            var digits: [UInt8] = [UInt8(arc & 0x7F)]
            var n = arc >> 7
            while n > 0 {
                digits.insert(UInt8(n & 0x7F) | 0x80, at: 0)
                n >>= 7
            }
            body += digits
        }
        return tlv([0x06], body)
    }

    /// An identifier octet string for a context-specific tag (high-tag-number form above 30).
    static func contextIdentifier(_ number: Int, constructed: Bool) -> [UInt8] {
        let base: UInt8 = constructed ? 0xA0 : 0x80
        if number < 31 { return [base | UInt8(number)] }
        var digits: [UInt8] = [UInt8(number & 0x7F)]
        var n = number >> 7
        while n > 0 {
            digits.insert(UInt8(n & 0x7F) | 0x80, at: 0)
            n >>= 7
        }
        return [base | 0x1F] + digits
    }

    static func explicit(_ number: Int, _ inner: [UInt8]) -> [UInt8] {
        tlv(contextIdentifier(number, constructed: true), inner)
    }

    static func implicitPrimitive(_ number: Int, _ contents: [UInt8]) -> [UInt8] {
        tlv(contextIdentifier(number, constructed: false), contents)
    }

    /// `r || s` from a DER `Ecdsa-Sig-Value`, each left-padded to `size` bytes (for JWS ES256).
    static func rawECDSASignature(_ der: [UInt8], size: Int) -> [UInt8] {
        // 30 len 02 lenR R 02 lenS S (short lengths for P-256).
        var index = 2
        var out: [UInt8] = []
        for _ in 0..<2 {
            let count = Int(der[index + 1])
            var value = Array(der[(index + 2)..<(index + 2 + count)])
            while value.count > size, value.first == 0 { value.removeFirst() }
            out += [UInt8](repeating: 0, count: size - value.count) + value
            index += 2 + count
        }
        return out
    }
}

/// Certificates for the tests: a root CA, an intermediate CA, and leaf attestation certificates.
enum AttestationPKI {
    static let packedSubject: [(oid: String, value: String)] = [
        ("2.5.4.6", "AA"), ("2.5.4.10", "KeyBridge Tests"), ("2.5.4.11", "Authenticator Attestation"),
        ("2.5.4.3", "KeyBridge Test Authenticator"),
    ]
    static let rootSubject: [(oid: String, value: String)] = [("2.5.4.3", "KeyBridge Test Root CA")]
    static let intermediateSubject: [(oid: String, value: String)] = [("2.5.4.3", "KeyBridge Test Intermediate CA")]

    static let validFrom = attestationTestNow - 365 * 86_400
    static let validUntil = attestationTestNow + 10 * 365 * 86_400

    /// A certificate for `subjectKey` signed by `issuerKey`.
    static func certificate(
        subject: [(oid: String, value: String)], issuer: [(oid: String, value: String)]?, subjectKey: EVPKey,
        issuerKey: EVPPrivateKey, serial: UInt8, isCA: Bool?, extensions: [X509Extension] = [],
        notBefore: Int64 = validFrom, notAfter: Int64 = validUntil, version: Int = 3
    ) -> X509Certificate {
        var builder = X509CertificateBuilder(
            subject: subject, issuer: issuer, publicKey: subjectKey, notBefore: notBefore, notAfter: notAfter,
            serialNumber: [serial])
        builder.version = version
        if let isCA {
            builder.addBasicConstraints(isCA: isCA)
            builder.addKeyUsage(isCA ? [.keyCertSign, .cRLSign] : [.digitalSignature])
        }
        builder.extensions += extensions
        return try! builder.sign(with: issuerKey, scheme: AttestationKeys.certificateScheme(issuerKey))
    }

    static let root = certificate(
        subject: rootSubject, issuer: nil, subjectKey: AttestationKeys.rootCA.publicKey,
        issuerKey: AttestationKeys.rootCA, serial: 1, isCA: true)

    static let intermediate = certificate(
        subject: intermediateSubject, issuer: rootSubject, subjectKey: AttestationKeys.intermediateCA.publicKey,
        issuerKey: AttestationKeys.rootCA, serial: 2, isCA: true)

    /// The default ``packedLeaf(key:subject:isCA:extensions:notBefore:notAfter:version:)``, made once (ECDSA
    /// signatures are randomized, so every new certificate has different bytes).
    static let standardLeaf = packedLeaf()

    /// A §8.2.1-conformant packed attestation certificate issued by the intermediate.
    static func packedLeaf(
        key: EVPKey = AttestationKeys.attestation.publicKey, subject: [(oid: String, value: String)] = packedSubject,
        isCA: Bool? = false, extensions: [X509Extension] = [], notBefore: Int64 = validFrom,
        notAfter: Int64 = validUntil, version: Int = 3
    ) -> X509Certificate {
        certificate(
            subject: subject, issuer: intermediateSubject, subjectKey: key, issuerKey: AttestationKeys.intermediateCA,
            serial: 3, isCA: isCA, extensions: extensions, notBefore: notBefore, notAfter: notAfter, version: version)
    }

    /// The id-fido-gen-ce-aaguid extension holding `aaguid`.
    static func aaguidExtension(_ aaguid: [UInt8], critical: Bool = false) -> X509Extension {
        X509Extension(oid: "1.3.6.1.4.1.45724.1.1.4", critical: critical, value: AttestationDER.octetString(aaguid))
    }
}

/// The authenticator data, client data hash and credential key of one test registration.
struct AttestationFixture {
    static let aaguid: [UInt8] = [
        0x6b, 0x65, 0x79, 0x62, 0x72, 0x69, 0x64, 0x67, 0x65, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x30, 0x31,
    ]
    static let credentialID: [UInt8] = Array(0..<32)
    static let rpIDHash = Digest.sha256(Array("example.com".utf8))
    static let clientDataHash = Digest.sha256(
        Array(#"{"type":"webauthn.create","challenge":"AAAA","origin":"https://example.com"}"#.utf8))

    let credentialKey: COSEKey
    let authenticatorData: AuthenticatorData
    let clientDataHash: [UInt8]

    /// A registration of `credential` (ES256 P-256 by default) with the fixture AAGUID.
    init(
        credential: EVPKey = AttestationKeys.credential.publicKey, algorithm: COSEAlgorithm = .es256,
        aaguid: [UInt8] = AttestationFixture.aaguid, clientDataHash: [UInt8] = AttestationFixture.clientDataHash,
        allowRS1: Bool = false
    ) {
        let key = try! COSEKey(evpKey: credential, algorithm: algorithm)
        var bytes = Self.rpIDHash
        bytes += [0x45]  // UP | UV | AT
        bytes += [0, 0, 0, 7]
        bytes += aaguid
        bytes += [UInt8(Self.credentialID.count >> 8), UInt8(Self.credentialID.count & 0xFF)] + Self.credentialID
        bytes += key.encoded
        self.credentialKey = try! COSEKey(encoded: key.encoded, allowRS1: allowRS1)
        self.authenticatorData = try! AuthenticatorData(bytes: bytes)
        self.clientDataHash = clientDataHash
    }

    /// `authenticatorData || clientDataHash`.
    var signedData: [UInt8] { authenticatorData.rawValue + clientDataHash }

    /// The verification procedure's inputs for `statement` of `format`.
    func context(
        _ format: String, _ statement: CBORMap, time: Int64 = attestationTestNow, allowRS1: Bool = false
    ) -> AttestationContext {
        AttestationContext(
            format: format, statement: statement, authenticatorData: authenticatorData,
            clientDataHash: clientDataHash, credentialPublicKey: credentialKey, verificationTime: time,
            allowRS1: allowRS1)
    }
}

/// A CBOR map with text keys, in order.
func attestationStatement(_ members: [(String, CBORValue)]) -> CBORMap {
    CBORMap(members.map { (CBORValue.text($0.0), $0.1) })
}

/// `x5c` as CBOR.
func x5c(_ certificates: [X509Certificate]) -> CBORValue {
    .array(certificates.map { .bytes($0.derEncoded) })
}

/// Expects `body` to throw a ``WebAuthnError`` with `code`.
func expectAttestationError(
    _ code: WebAuthnError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> ValidatedAttestation
) {
    do {
        let result = try body()
        Issue.record("expected \(code), but the attestation was accepted (\(result.type))", sourceLocation: sourceLocation)
    } catch let error as WebAuthnError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a WebAuthnError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
