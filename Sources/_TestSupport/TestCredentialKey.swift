import CBOR
package import OpenSSLWrapper
package import WebAuthn

/// A fixed credential key pair for tests, with its COSE_Key encoding.
///
/// The private keys are constants made for this project (scalars and seeds are SHA-512 outputs of labels such as
/// "KeyBridge TestAuthenticator P-256 0"; the RSA key was generated once with `openssl genpkey`), so every test
/// run signs the same way and nothing depends on randomness.
package struct TestCredentialKey: Sendable {
    /// The private key.
    package let privateKey: EVPPrivateKey
    /// The COSE algorithm.
    package let algorithm: COSEAlgorithm
    /// How the key signs.
    package let scheme: SignatureScheme
    /// The public key as a COSE_Key (CTAP2 canonical CBOR).
    package let coseKey: [UInt8]

    /// Signs `message` (DER for ECDSA, raw for EdDSA and RSA).
    package func sign(_ message: [UInt8]) -> [UInt8] {
        do {
            return try privateKey.sign(message: message, scheme: scheme)
        } catch {
            // A fixed, valid key cannot fail to sign; if OpenSSL does, no test result would mean anything.
            fatalError("test key failed to sign: \(error)")
        }
    }

    private init(privateKey: EVPPrivateKey, algorithm: COSEAlgorithm, scheme: SignatureScheme, coseMap: CBORMap) {
        self.privateKey = privateKey
        self.algorithm = algorithm
        self.scheme = scheme
        self.coseKey = CBOREncoder.encode(.map(coseMap))
    }

    private static func load(_ make: () throws(OpenSSLError) -> EVPPrivateKey) -> EVPPrivateKey {
        do {
            return try make()
        } catch {
            fatalError("fixed test key rejected: \(error)")
        }
    }

    private static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = text.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) ?? 0)
        }
        return out
    }

    /// An EC2 key on `curve` for `algorithm` from a fixed scalar.
    private static func ec(_ scalarHex: String, curve: ECCurve, coseCurve: Int, algorithm: COSEAlgorithm, digest: DigestAlgorithm)
        -> TestCredentialKey
    {
        let key = load { () throws(OpenSSLError) in try EVPPrivateKey(ecPrivateScalar: hex(scalarHex), curve: curve) }
        let point = key.publicKey.ecPublicPoint ?? (x: [], y: [])
        let map = CBORMap([
            (1, 2), (3, CBORValue(algorithm.rawValue)), (-1, CBORValue(coseCurve)), (-2, .bytes(point.x)),
            (-3, .bytes(point.y)),
        ])
        return TestCredentialKey(privateKey: key, algorithm: algorithm, scheme: .ecdsa(digest), coseMap: map)
    }

    /// ES256 (P-256), the common case.
    package static let es256 = ec(
        "fc5e9ff075c3910709c5d1148524fe6b3f6807aea2dd4e502d871207cb4be4bb", curve: .p256, coseCurve: 1,
        algorithm: .es256, digest: .sha256)

    /// A second, unrelated ES256 key (for signatures by the wrong key).
    package static let es256Other = ec(
        "152cdccef3365c10f9410627dc7c9c8f71aa3b3afa13a52ad8df9d980c134dc8", curve: .p256, coseCurve: 1,
        algorithm: .es256, digest: .sha256)

    /// ES384 (P-384).
    package static let es384 = ec(
        "af815ee5aa9610ad7e69aa8a3ed4682aaa25840bb6b10bb8be49fdb31946d35a30f5ec8b34f9ed5c961ed266bfc4d780",
        curve: .p384, coseCurve: 2, algorithm: .es384, digest: .sha384)

    /// ES512 (P-521).
    package static let es512 = ec(
        "0020a08a200635d7cb412cac26010879162644ac20edb29ed4ef1af8fd47ffb52a09019f5a582a0e865f314aad76c53bb43754618c13182511feecbe4413e8e356c3",
        curve: .p521, coseCurve: 3, algorithm: .es512, digest: .sha512)

    /// EdDSA (−8) with an Ed25519 key.
    package static let eddsa: TestCredentialKey = {
        let key = load { () throws(OpenSSLError) in
            try EVPPrivateKey(ed25519Seed: hex("9b55f981867623663adc7af131fda4c9638eabc43d2a70af7603f3c7834a3f6c"))
        }
        let map = CBORMap([(1, 1), (3, -8), (-1, 6), (-2, .bytes(key.publicKey.rawPublicKey ?? []))])
        return TestCredentialKey(privateKey: key, algorithm: .eddsa, scheme: .eddsa, coseMap: map)
    }()

    /// Ed448 (−53, the fully specified algorithm).
    package static let ed448: TestCredentialKey = {
        let key = load { () throws(OpenSSLError) in
            try EVPPrivateKey(
                ed448Seed: hex(
                    "15b9ae29125c2d428211d492dd93856e625b10c10012cc253689f3bb072eaf9ea593a3d471b7766aaf85987a186981be9ee609980fbb4dc62f"
                ))
        }
        let map = CBORMap([(1, 1), (3, -53), (-1, 7), (-2, .bytes(key.publicKey.rawPublicKey ?? []))])
        return TestCredentialKey(privateKey: key, algorithm: .ed448, scheme: .eddsa, coseMap: map)
    }()

    private static let rsaKey = load { () throws(OpenSSLError) in try EVPPrivateKey(pem: rsaPEM) }

    private static func rsa(_ algorithm: COSEAlgorithm, _ scheme: SignatureScheme) -> TestCredentialKey {
        let components = rsaKey.publicKey.rsaComponents ?? (modulus: [], exponent: [])
        let map = CBORMap([
            (1, 3), (3, CBORValue(algorithm.rawValue)), (-1, .bytes(components.modulus)),
            (-2, .bytes(components.exponent)),
        ])
        return TestCredentialKey(privateKey: rsaKey, algorithm: algorithm, scheme: scheme, coseMap: map)
    }

    /// RS256 with a 2048-bit key.
    package static let rs256 = rsa(.rs256, .rsaPKCS1v15(.sha256))
    /// PS256 with the same 2048-bit key.
    package static let ps256 = rsa(.ps256, .rsaPSS(.sha256))
    /// RS1 (RSASSA-PKCS1-v1_5 with SHA-1) with the same key: only for tests that RS1 is refused unless allowed.
    package static let rs1 = rsa(.rs1, .rsaPKCS1v15(.sha1))

    private static let rsaPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCgJ2aqxqjVJWAH
        Q9fWzZKm+fNbDi7V9A2XVZ77sgZm+WLsndr2WgyS+SkqLww8tEkglcJw96XWR4yp
        8J9w0gPMsWA7vcZecSABifwUJghTgXIqSOXtJ7A9CKB8Zw+U9lDz9I+YCSsBiF8p
        rJviU8ejzoHPRgoYlmxGnolf34Q4nyWtdhv3KRUjSRrtu7B5PUemXaNg7JCkMz6f
        wOBcyT0i8mqBrXjqpwj403wYdkbqTpjMmC+rn2ZPamL6NbmxhHkv96SILnZ294ET
        Ns0kZwlvVF3e6QeV8Yk46SAL3SXaDcQZOdf+rnwPp3eQIGb23Osl1ba64EJWgqWH
        9Q1e+BS/AgMBAAECggEARq/dUrcIQbuTXOGG3JozhluAG8pwxaJIdWknGLSEuuKL
        1R//SwiH0D8E+kd1wT1ZoXY4MiA8JA3EeiVoWiV349rOPNAQRBLuK3+5sTLwLdtO
        hndSdJA161ppaz8Z04e8R1DEKDizsKN+TSiQTR7pWNWG2fNx9VQ/ShQjUhuXgl2Z
        P8bziVJ1GeECkMMOkxElFIXW2D5uH7+6q7n0iSKNHqPJTcuFTv1Uz1ZcnBAgNWjm
        RzHzCrYSYJCpfLnefnKk/dta0swDBdmpqSSAe7GAWGut0rj399ISDE4GVDv1KMws
        bOWp/nEvmfHiK9e31lwzj790C+Ku7Vl4YB4/Q2KkUQKBgQDORsxqUo7S0ijK0yQa
        MB90y0f9jSGqHF0CV4ODMy3DdtfH4VgVElaOE5ESCfhO1saPN/X3y6AJ56iZ+USk
        jpuaAfHT0Fts3uzqiCwlg7xUDqJoi3TwemBH44LWxsiIPlTtU/bzWh2is82n4gl6
        NWXgHHCh3fdWcIYGi/XpXo6fqwKBgQDGwmbmHz+PC336qpZ1yWSxy2TYPLV61xUj
        hjP6/J8DWkj5qZ5yfxBIX3PDZ3cUylSn9l932xoz5rrhrvEW51H7OvnurvL4cYl8
        chm0EbgSaVCjwl/e0Ema+4Q/TWEjvBoS453Y6BUI6Ns1Y3vNSKjsYVI2+jKMNcbC
        5uj3s28bPQKBgFZFwiUN1nJSN4FtAYJ6cg2VH8zqBBRzvGrIU1bCRvejcuhEVWSq
        wMy3XktfJB1FMtKfox46afr6iserO4xfoLCu84eVc0d7jTciMOSXzmKRpFd5TDVv
        2Wj3vLc7eI+TEk4YegaZwB9WeEMpBLG6N5ueCXWJsnLSqRt/2h/6zkf1AoGAAbj9
        m1D6BAtddCa2Vx7/uGrC3Pzptb7XeA9Zs/sshaLqrv9BWEyxn270WeUzqwJ16V7B
        RRCpEXoWdI5HmKM4mqzQLblmcbDKOEHk5yKgLcir4j91BUFY4fb8FnBdPyoKL8+5
        NoAMbp9WBwhtskHG9QWC6OcSORTePCI0MrFjbSECgYEAyxDb9rGDQoDcHdD+Ty0+
        RWYZE4wvdh44KRe1YLM628dDQ+DY6yc6OJcJYgiR9yN4ktcoePYXr799Pzhio7DZ
        jgu8zKHN1inwsLWJ7aT89bl+znEVJAT+Me233DSa74cIBMOn+v7C2qG7YMixMYgq
        /o8pnNenFQY+xhwMkzr4R3k=
        -----END PRIVATE KEY-----
        """
}
