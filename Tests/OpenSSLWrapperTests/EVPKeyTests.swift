import Foundation
import OpenSSLWrapper
import Testing

@Suite struct EVPKeyTests {
    // RFC 6979 §A.2.5: the P-256 key pair (private x, public Ux, Uy).
    static let rfc6979Scalar = [UInt8](hex: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721")
    static let rfc6979X = [UInt8](hex: "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6")
    static let rfc6979Y = [UInt8](hex: "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")

    // MARK: - EC

    @Test("an EC key from the RFC 6979 coordinates has those coordinates and the SPKI Python derives from the scalar")
    func ecFromCoordinates() throws {
        let key = try EVPKey(ecPublicKeyX: Self.rfc6979X, y: Self.rfc6979Y, curve: .p256)
        #expect(key.kind == .ec(.p256))
        #expect(key.ecPublicPoint?.x == Self.rfc6979X)
        #expect(key.ecPublicPoint?.y == Self.rfc6979Y)
        #expect(key.rsaComponents == nil && key.rawPublicKey == nil)
        let pythonSPKI = try ExternalTool.python(
            """
            import sys
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives import serialization
            k = ec.derive_private_key(int(sys.argv[1], 16), ec.SECP256R1()).public_key()
            print(k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex())
            """, [Self.rfc6979Scalar.hex])
        #expect([key.subjectPublicKeyInfoDER().hex] == pythonSPKI)
        let derived = try EVPPrivateKey(ecPrivateScalar: Self.rfc6979Scalar, curve: .p256).publicKey
        #expect(derived == key)
        #expect(try EVPKey(ecUncompressedPoint: [0x04] + Self.rfc6979X + Self.rfc6979Y, curve: .p256) == key)
    }

    @Test("a point that is not on the curve is rejected")
    func offCurveRejected() throws {
        var y = Self.rfc6979Y
        y[31] ^= 0x01
        #expect(throws: OpenSSLError.self) { try EVPKey(ecPublicKeyX: Self.rfc6979X, y: y, curve: .p256) }
        // The right coordinates on the wrong curve are off that curve too (and the wrong size).
        #expect(throws: OpenSSLError.self) {
            try EVPKey(ecPublicKeyX: [0] * 16 + Self.rfc6979X, y: [0] * 16 + Self.rfc6979Y, curve: .p384)
        }
        // (0, 0) is not on P-256.
        #expect(throws: OpenSSLError.self) { try EVPKey(ecPublicKeyX: [0] * 32, y: [0] * 32, curve: .p256) }
    }

    @Test("a coordinate equal to the field prime is rejected even though it fits in 32 bytes")
    func coordinateOutOfRange() throws {
        // The P-256 prime p (FIPS 186-4 §D.1.2.3); x = p is not a field element.
        let p = [UInt8](hex: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
        #expect(throws: OpenSSLError.self) { try EVPKey(ecPublicKeyX: p, y: Self.rfc6979Y, curve: .p256) }
    }

    @Test("EC coordinates of the wrong size and points without the 04 prefix are rejected")
    func ecWrongShapes() {
        #expect(throws: OpenSSLError.self) { try EVPKey(ecPublicKeyX: Array(Self.rfc6979X.dropFirst()), y: Self.rfc6979Y, curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPKey(ecPublicKeyX: Self.rfc6979X, y: Self.rfc6979Y + [0], curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPKey(ecUncompressedPoint: [0x02] + Self.rfc6979X + Self.rfc6979Y, curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPKey(ecUncompressedPoint: [0x02] + Self.rfc6979X, curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPKey(ecUncompressedPoint: [], curve: .p256) }
    }

    @Test("an SPKI whose point was changed so it is off the curve is rejected")
    func offCurveSPKIRejected() throws {
        var spki = try EVPKey(ecPublicKeyX: Self.rfc6979X, y: Self.rfc6979Y, curve: .p256).subjectPublicKeyInfoDER()
        spki[spki.count - 1] ^= 0x01
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: spki) }
    }

    @Test("an EC private scalar of zero, of the group order, or of the wrong size is rejected")
    func badScalars() {
        // The P-256 group order n (FIPS 186-4 §D.1.2.3).
        let n = [UInt8](hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        #expect(throws: OpenSSLError.self) { try EVPPrivateKey(ecPrivateScalar: [0] * 32, curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPPrivateKey(ecPrivateScalar: n, curve: .p256) }
        #expect(throws: OpenSSLError.self) { try EVPPrivateKey(ecPrivateScalar: [1] * 31, curve: .p256) }
    }

    // MARK: - RSA and EdDSA

    @Test("an RSA key from Python's n and e has the same SPKI, components and size")
    func rsaFromComponents() throws {
        let words = try ExternalTool.python(
            """
            from cryptography.hazmat.primitives.asymmetric import rsa
            from cryptography.hazmat.primitives import serialization
            k = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
            n = k.public_numbers()
            print(n.n.to_bytes(256, 'big').hex(), n.e.to_bytes(3, 'big').hex(),
                  k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex())
            """, [])
        try #require(words.count == 3)
        let n = [UInt8](hex: words[0])
        let key = try EVPKey(rsaModulus: n, exponent: [UInt8](hex: words[1]))
        #expect(key.kind == .rsa(bits: 2048))
        #expect(key.subjectPublicKeyInfoDER().hex == words[2])
        #expect(key.rsaComponents?.modulus == n)
        #expect(key.rsaComponents?.exponent == [0x01, 0x00, 0x01])
        // Leading zero bytes in the inputs do not change the key.
        #expect(try EVPKey(rsaModulus: [0, 0] + n, exponent: [0, 1, 0, 1]) == key)
    }

    @Test("an even RSA modulus, an even exponent or an exponent of 1 is rejected")
    func rsaBadComponents() {
        var even = [UInt8](repeating: 0xC5, count: 256)
        even[255] = 0x02
        let odd = [UInt8](repeating: 0xC5, count: 256)
        #expect(throws: OpenSSLError.self) { try EVPKey(rsaModulus: even, exponent: [1, 0, 1]) }
        #expect(throws: OpenSSLError.self) { try EVPKey(rsaModulus: odd, exponent: [2]) }
        #expect(throws: OpenSSLError.self) { try EVPKey(rsaModulus: odd, exponent: [1]) }
        #expect(throws: OpenSSLError.self) { try EVPKey(rsaModulus: [], exponent: [1, 0, 1]) }
    }

    @Test("Ed25519 and Ed448 public keys of the wrong length are rejected")
    func edWrongLengths() {
        #expect(throws: OpenSSLError.self) { try EVPKey(ed25519PublicKey: [1] * 31) }
        #expect(throws: OpenSSLError.self) { try EVPKey(ed448PublicKey: [1] * 32) }
        #expect(throws: OpenSSLError.self) { try EVPPrivateKey(ed25519Seed: [1] * 33) }
    }

    // MARK: - SubjectPublicKeyInfo and PEM against the openssl command line

    struct CLIKey: Sendable, CustomTestStringConvertible {
        let genpkey: [String]
        let kind: EVPKeyKind
        var testDescription: String { "\(kind)" }
    }

    static let cliKeys: [CLIKey] = [
        CLIKey(genpkey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], kind: .ec(.p256)),
        CLIKey(genpkey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], kind: .ec(.p384)),
        CLIKey(genpkey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"], kind: .ec(.p521)),
        CLIKey(genpkey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], kind: .rsa(bits: 2048)),
        CLIKey(genpkey: ["-algorithm", "ED25519"], kind: .ed25519),
        CLIKey(genpkey: ["-algorithm", "ED448"], kind: .ed448),
    ]

    @Test("keys made by the openssl CLI round-trip through SPKI DER, PEM and PKCS#8 identically to openssl's own output", arguments: cliKeys)
    func cliRoundTrip(_ cliKey: CLIKey) throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ExternalTool.run("openssl", ["genpkey"] + cliKey.genpkey + ["-out", "key.pem"], directory: directory)
        try ExternalTool.run("openssl", ["pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der"], directory: directory)
        try ExternalTool.run("openssl", ["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], directory: directory)
        let opensslDER = [UInt8](try Data(contentsOf: directory.appendingPathComponent("pub.der")))
        let opensslPEM = try String(contentsOf: directory.appendingPathComponent("pub.pem"), encoding: .utf8)

        let fromDER = try EVPKey(subjectPublicKeyInfoDER: opensslDER)
        #expect(fromDER.kind == cliKey.kind)
        #expect(fromDER.subjectPublicKeyInfoDER() == opensslDER)
        #expect(try EVPKey(pem: opensslPEM) == fromDER)
        #expect(fromDER.pem() == opensslPEM)

        // Our PEM, read back by openssl, gives the same DER.
        try fromDER.pem().write(to: directory.appendingPathComponent("ours.pem"), atomically: true, encoding: .utf8)
        try ExternalTool.run(
            "openssl", ["pkey", "-pubin", "-in", "ours.pem", "-outform", "DER", "-out", "ours.der"], directory: directory)
        #expect([UInt8](try Data(contentsOf: directory.appendingPathComponent("ours.der"))) == opensslDER)

        // The private key PEM from openssl loads, and our PKCS#8 export is the same key to openssl.
        let privateKey = try EVPPrivateKey(pem: try String(contentsOf: directory.appendingPathComponent("key.pem"), encoding: .utf8))
        #expect(privateKey.publicKey == fromDER)
        try privateKey.pkcs8PEM().write(to: directory.appendingPathComponent("ours-key.pem"), atomically: true, encoding: .utf8)
        try ExternalTool.run(
            "openssl", ["pkey", "-in", "ours-key.pem", "-pubout", "-outform", "DER", "-out", "ours-key-pub.der"], directory: directory)
        #expect([UInt8](try Data(contentsOf: directory.appendingPathComponent("ours-key-pub.der"))) == opensslDER)
        #expect(privateKey.pkcs8PEM().hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
    }

    @Test("a traditional 'EC PRIVATE KEY' PEM from the openssl CLI loads")
    func traditionalPEM() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ExternalTool.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem"], directory: directory)
        let pem = try String(contentsOf: directory.appendingPathComponent("ec.pem"), encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
        #expect(try EVPPrivateKey(pem: pem).publicKey.kind == .ec(.p256))
    }

    @Test("an SPKI on a curve other than P-256/384/521 is rejected")
    func unsupportedCurveRejected() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ExternalTool.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "k.pem"], directory: directory)
        try ExternalTool.run("openssl", ["pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "k.der"], directory: directory)
        let der = [UInt8](try Data(contentsOf: directory.appendingPathComponent("k.der")))
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: der) }
    }

    @Test("an SPKI with a compressed point (openssl -conv_form compressed) loads as the same key; explicit curve parameters are rejected")
    func nonCanonicalSPKI() throws {
        let directory = try ExternalTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ExternalTool.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "k.pem"], directory: directory)
        try ExternalTool.run("openssl", ["ec", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "plain.der"], directory: directory)
        try ExternalTool.run(
            "openssl", ["ec", "-in", "k.pem", "-pubout", "-conv_form", "compressed", "-outform", "DER", "-out", "compressed.der"],
            directory: directory)
        try ExternalTool.run(
            "openssl", ["ec", "-in", "k.pem", "-pubout", "-param_enc", "explicit", "-outform", "DER", "-out", "explicit.der"],
            directory: directory)
        let plain = [UInt8](try Data(contentsOf: directory.appendingPathComponent("plain.der")))
        let compressed = [UInt8](try Data(contentsOf: directory.appendingPathComponent("compressed.der")))
        let explicit = [UInt8](try Data(contentsOf: directory.appendingPathComponent("explicit.der")))
        #expect(compressed.count < plain.count)
        let key = try EVPKey(subjectPublicKeyInfoDER: compressed)
        #expect(key.subjectPublicKeyInfoDER() == plain)
        #expect(key == (try EVPKey(subjectPublicKeyInfoDER: plain)))
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: explicit) }
    }

    @Test("SPKI DER with trailing bytes, truncated DER, and PEM that is not a public key are rejected")
    func malformedEncodings() throws {
        let spki = try EVPKey(ecPublicKeyX: Self.rfc6979X, y: Self.rfc6979Y, curve: .p256).subjectPublicKeyInfoDER()
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: spki + [0]) }
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: Array(spki.dropLast())) }
        #expect(throws: OpenSSLError.self) { try EVPKey(subjectPublicKeyInfoDER: []) }
        #expect(throws: OpenSSLError.self) { try EVPKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
        #expect(throws: OpenSSLError.self) { try EVPKey(pem: "") }
        let privatePEM = try EVPPrivateKey(ecPrivateScalar: Self.rfc6979Scalar, curve: .p256).pkcs8PEM()
        #expect(throws: OpenSSLError.self) { try EVPKey(pem: privatePEM) }
        #expect(throws: OpenSSLError.self) { try EVPPrivateKey(pem: "not a key") }
    }

    @Test("the OpenSSL error names the operation and carries OpenSSL's reason")
    func errorDescription() {
        do {
            _ = try EVPKey(subjectPublicKeyInfoDER: [0x30, 0x03, 0x02, 0x01, 0x00])
            Issue.record("malformed SPKI accepted")
        } catch {
            #expect(error.operation.contains("d2i_PUBKEY"))
            #expect(!error.details.isEmpty)
            #expect(error.description.contains("failed"))
        }
    }

    @Test("the raw OpenSSL reference loop measures a positive rate")
    func rawReference() throws {
        #expect(try RawVerifyReference.ecdsaP256VerifiesPerSecond(minimumDuration: .milliseconds(20)) > 0)
    }
}

extension Array where Element == UInt8 {
    static func * (value: [UInt8], count: Int) -> [UInt8] {
        Array([[UInt8]](repeating: value, count: count).joined())
    }
}
