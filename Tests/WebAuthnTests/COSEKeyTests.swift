import CBOR
import Foundation
import OpenSSLWrapper
import Testing
import WebAuthn

// MARK: - Fixed keys with their sources

/// Keys from published documents, with the source of each value.
private enum PublishedKeys {
    /// RFC 8152 Appendix C.7.2, private key "meriadoc.brandybuck@buckland.example" (P-256).
    static let meriadocD = bytes("aff907c99f9ad3aae6c4cdf21122bce2bd68b5283e6907154ad911840fa208cf")
    static let meriadocX = bytes("65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d")
    static let meriadocY = bytes("1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c")

    /// RFC 8152 Appendix C.7.2, private key "bilbo.baggins@hobbiton.example" (P-521).
    static let bilboD = bytes(
        "00085138ddabf5ca975f5860f91a08e91d6d5f9a76ad4018766a476680b55cd339e8ab6c72b5facdb2a2a50ac25bd086647dd3e2e6e99e84ca2c3609fdf177feb26d")
    static let bilboX = bytes(
        "0072992cb3ac08ecf3e5c63dedec0d51a8c1f79ef2f82f94f3c737bf5de7986671eac625fe8257bbd0394644caaa3aaf8f27a4585fbbcad0f2457620085e5c8f42ad")
    static let bilboY = bytes(
        "01dca6947bce88bc5790485ac97427342bc35f887d86d65a089377e247e60baa55e4e8501e2ada5724ac51d6909008033ebc10ac999b9d7f5cc2519f3fe1ea1d9475")

    /// RFC 6979 Appendix A.2.5: P-256 public key and the deterministic ECDSA SHA-256 signature of "sample".
    static let rfc6979X = bytes("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6")
    static let rfc6979Y = bytes("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299")
    static let rfc6979SampleSignature = bytes(
        "3046022100EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
            + "022100F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8")

    /// RFC 8032 §7.1 TEST 1 (Ed25519): seed, public key and the signature of the empty message.
    static let ed25519Seed = bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let ed25519Public = bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    static let ed25519EmptySignature = bytes(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

    /// RFC 8032 §7.4 "-----Blank" (Ed448): seed, public key and the signature of the empty message.
    static let ed448Seed = bytes(
        "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b")
    static let ed448Public = bytes(
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180")
    static let ed448EmptySignature = bytes(
        "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600")

    /// RSA keys are generated once per run (no published 2048-bit COSE RSA test key exists).
    static let rsa2048 = Result { () throws(OpenSSLError) in try EVPPrivateKey.generate(.rsa(bits: 2048)) }
    static let rsa1024 = Result { () throws(OpenSSLError) in try EVPPrivateKey.generate(.rsa(bits: 1024)) }
    static let p384 = Result { () throws(OpenSSLError) in try EVPPrivateKey.generate(.ec(.p384)) }

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }
}

// MARK: - COSE_Key maps

/// COSE_Key maps built entry by entry (RFC 9052 §7, RFC 9053 §7, RFC 8230 §4).
private enum COSEMap {
    static func ec2(alg: Int, crv: Int = 1, x: [UInt8], y: [UInt8]) -> CBORMap {
        CBORMap([(1, 2), (3, CBORValue(alg)), (-1, CBORValue(crv)), (-2, .bytes(x)), (-3, .bytes(y))])
    }

    static func okp(alg: Int, crv: Int, x: [UInt8]) -> CBORMap {
        CBORMap([(1, 1), (3, CBORValue(alg)), (-1, CBORValue(crv)), (-2, .bytes(x))])
    }

    static func rsa(alg: Int, key: EVPKey) -> CBORMap {
        let components = key.rsaComponents ?? (modulus: [], exponent: [])
        return CBORMap([(1, 3), (3, CBORValue(alg)), (-1, .bytes(components.modulus)), (-2, .bytes(components.exponent))])
    }

    static func encode(_ map: CBORMap) -> [UInt8] { CBOREncoder.encode(.map(map)) }

    static func with(_ map: CBORMap, _ label: Int, _ value: CBORValue?) -> CBORMap {
        var copy = map
        copy[label: label] = value
        return copy
    }
}

private extension CBORMap {
    subscript(label label: Int) -> CBORValue? {
        get { self[CBORValue(label)] }
        set { self[CBORValue(label)] = newValue }
    }
}

// MARK: - Tests

@Suite struct COSEKeyTests {
    struct AlgorithmCase: Sendable, CustomTestStringConvertible {
        let algorithm: COSEAlgorithm
        let keyType: COSEKeyType
        let curve: COSECurve?
        var testDescription: String { "\(algorithm) (\(algorithm.rawValue))\(curve.map { " crv \($0.rawValue)" } ?? "")" }
    }

    static let algorithmCases: [AlgorithmCase] = [
        AlgorithmCase(algorithm: .es256, keyType: .ec2, curve: .p256),
        AlgorithmCase(algorithm: .es384, keyType: .ec2, curve: .p384),
        AlgorithmCase(algorithm: .es512, keyType: .ec2, curve: .p521),
        AlgorithmCase(algorithm: .eddsa, keyType: .okp, curve: .ed25519),
        AlgorithmCase(algorithm: .eddsa, keyType: .okp, curve: .ed448),
        AlgorithmCase(algorithm: .ed25519, keyType: .okp, curve: .ed25519),
        AlgorithmCase(algorithm: .ed448, keyType: .okp, curve: .ed448),
        AlgorithmCase(algorithm: .rs256, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .rs384, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .rs512, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .ps256, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .ps384, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .ps512, keyType: .rsa, curve: nil),
        AlgorithmCase(algorithm: .rs1, keyType: .rsa, curve: nil),
    ]

    /// The private key and COSE_Key map for an algorithm case, from the published keys where there is one.
    private func fixture(_ testCase: AlgorithmCase) throws -> (signer: EVPPrivateKey, map: CBORMap) {
        let alg = testCase.algorithm.rawValue
        switch (testCase.keyType, testCase.curve) {
        case (.ec2, .p256?):
            let signer = try EVPPrivateKey(ecPrivateScalar: PublishedKeys.meriadocD, curve: .p256)
            return (signer, COSEMap.ec2(alg: alg, crv: 1, x: PublishedKeys.meriadocX, y: PublishedKeys.meriadocY))
        case (.ec2, .p384?):
            let signer = try PublishedKeys.p384.get()
            let point = try #require(signer.publicKey.ecPublicPoint)
            return (signer, COSEMap.ec2(alg: alg, crv: 2, x: point.x, y: point.y))
        case (.ec2, _):
            let signer = try EVPPrivateKey(ecPrivateScalar: PublishedKeys.bilboD, curve: .p521)
            return (signer, COSEMap.ec2(alg: alg, crv: 3, x: PublishedKeys.bilboX, y: PublishedKeys.bilboY))
        case (.okp, .ed25519?):
            return (try EVPPrivateKey(ed25519Seed: PublishedKeys.ed25519Seed), COSEMap.okp(alg: alg, crv: 6, x: PublishedKeys.ed25519Public))
        case (.okp, _):
            return (try EVPPrivateKey(ed448Seed: PublishedKeys.ed448Seed), COSEMap.okp(alg: alg, crv: 7, x: PublishedKeys.ed448Public))
        case (.rsa, _):
            let signer = try PublishedKeys.rsa2048.get()
            return (signer, COSEMap.rsa(alg: alg, key: signer.publicKey))
        }
    }

    private func code(_ body: () throws -> Void) -> WebAuthnError.Code? {
        do {
            try body()
            return nil
        } catch let error as WebAuthnError {
            return error.code
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return nil
        }
    }

    private let message = Array("authenticatorData || clientDataHash".utf8)

    @Test("every supported algorithm parses, reports its kty and crv, and verifies a signature made with its key", arguments: algorithmCases)
    func parsesAndVerifies(_ testCase: AlgorithmCase) throws {
        let (signer, map) = try fixture(testCase)
        let encoded = COSEMap.encode(map)
        let key = try COSEKey(encoded: encoded, allowRS1: testCase.algorithm == .rs1)
        #expect(key.algorithm == testCase.algorithm)
        #expect(key.keyType == testCase.keyType)
        #expect(key.curve == testCase.curve)
        #expect(key.encoded == encoded)
        #expect(key.evpKey == signer.publicKey)
        let signature = try signer.sign(message: message, scheme: key.signatureScheme)
        #expect(key.verifySignature(signature, over: message))
        #expect(!key.verifySignature(signature, over: message + [0]))
        var flipped = signature
        flipped[flipped.count - 1] ^= 0x01
        #expect(!key.verifySignature(flipped, over: message))
        #expect(!key.verifySignature([], over: message))
    }

    @Test("each algorithm maps to the signature scheme its specification defines")
    func schemes() throws {
        let expected: [(COSEAlgorithm, SignatureScheme)] = [
            (.es256, .ecdsa(.sha256)), (.es384, .ecdsa(.sha384)), (.es512, .ecdsa(.sha512)),
            (.eddsa, .eddsa), (.ed25519, .eddsa), (.ed448, .eddsa),
            (.rs256, .rsaPKCS1v15(.sha256)), (.rs384, .rsaPKCS1v15(.sha384)), (.rs512, .rsaPKCS1v15(.sha512)),
            (.rs1, .rsaPKCS1v15(.sha1)), (.ps256, .rsaPSS(.sha256)), (.ps384, .rsaPSS(.sha384)), (.ps512, .rsaPSS(.sha512)),
        ]
        for (algorithm, scheme) in expected {
            let testCase = try #require(Self.algorithmCases.first { $0.algorithm == algorithm })
            let key = try COSEKey(map: try fixture(testCase).map, encoded: [], allowRS1: true)
            #expect(key.signatureScheme == scheme, "\(algorithm)")
        }
    }

    @Test("an ECDSA signature over the wrong hash (SHA-384 for ES256) does not verify")
    func wrongHashRejected() throws {
        let (signer, map) = try fixture(Self.algorithmCases[0])
        let key = try COSEKey(encoded: COSEMap.encode(map))
        let signature = try signer.sign(message: message, scheme: .ecdsa(.sha384))
        #expect(!key.verifySignature(signature, over: message))
    }

    @Test("the RFC 6979 A.2.5 ES256 signature of 'sample' verifies through a COSE key built from its coordinates")
    func rfc6979KnownAnswer() throws {
        let key = try COSEKey(encoded: COSEMap.encode(COSEMap.ec2(alg: -7, x: PublishedKeys.rfc6979X, y: PublishedKeys.rfc6979Y)))
        #expect(key.verifySignature(PublishedKeys.rfc6979SampleSignature, over: Array("sample".utf8)))
        #expect(!key.verifySignature(PublishedKeys.rfc6979SampleSignature, over: Array("test".utf8)))
    }

    @Test("the RFC 8032 Ed25519 and Ed448 signatures of the empty message verify under -8, -19 and -53")
    func rfc8032KnownAnswers() throws {
        for alg in [-8, -19] {
            let key = try COSEKey(encoded: COSEMap.encode(COSEMap.okp(alg: alg, crv: 6, x: PublishedKeys.ed25519Public)))
            #expect(key.verifySignature(PublishedKeys.ed25519EmptySignature, over: []))
            #expect(!key.verifySignature(PublishedKeys.ed25519EmptySignature, over: [0]))
        }
        for alg in [-8, -53] {
            let key = try COSEKey(encoded: COSEMap.encode(COSEMap.okp(alg: alg, crv: 7, x: PublishedKeys.ed448Public)))
            #expect(key.verifySignature(PublishedKeys.ed448EmptySignature, over: []))
            #expect(!key.verifySignature(PublishedKeys.ed448EmptySignature, over: [0]))
        }
    }

    // MARK: - Disagreements and malformed keys

    struct RejectionCase: Sendable, CustomTestStringConvertible {
        let name: String
        let map: CBORMap
        let code: WebAuthnError.Code
        var testDescription: String { name }
    }

    static var rejectionCases: [RejectionCase] {
        let x = PublishedKeys.meriadocX
        let y = PublishedKeys.meriadocY
        let es256 = COSEMap.ec2(alg: -7, x: x, y: y)
        let ed = PublishedKeys.ed25519Public
        let rsaStandIn = CBORMap([(1, 3), (3, -257), (-1, .bytes([UInt8](repeating: 0xC1, count: 256))), (-2, .bytes([1, 0, 1]))])
        var offCurveY = y
        offCurveY[31] ^= 1
        return [
            // alg
            RejectionCase(name: "unknown alg -47 (ES256K)", map: COSEMap.with(es256, 3, -47), code: .unsupportedAlgorithm),
            RejectionCase(name: "unknown alg 1 (A128GCM)", map: COSEMap.with(es256, 3, 1), code: .unsupportedAlgorithm),
            RejectionCase(name: "alg as text", map: COSEMap.with(es256, 3, "ES256"), code: .unsupportedAlgorithm),
            RejectionCase(name: "alg missing", map: COSEMap.with(es256, 3, nil), code: .invalidPublicKey),
            // kty
            RejectionCase(name: "ES256 with kty OKP", map: COSEMap.with(es256, 1, 1), code: .invalidPublicKey),
            RejectionCase(name: "ES256 with kty RSA", map: COSEMap.with(es256, 1, 3), code: .invalidPublicKey),
            RejectionCase(name: "ES256 with kty Symmetric (4)", map: COSEMap.with(es256, 1, 4), code: .invalidPublicKey),
            RejectionCase(name: "kty missing", map: COSEMap.with(es256, 1, nil), code: .invalidPublicKey),
            RejectionCase(name: "kty as text", map: COSEMap.with(es256, 1, "EC2"), code: .invalidPublicKey),
            RejectionCase(name: "EdDSA with kty EC2", map: COSEMap.with(COSEMap.okp(alg: -8, crv: 6, x: ed), 1, 2), code: .invalidPublicKey),
            RejectionCase(name: "Ed25519 (-19) with kty EC2", map: COSEMap.with(COSEMap.okp(alg: -19, crv: 6, x: ed), 1, 2), code: .invalidPublicKey),
            RejectionCase(name: "RS256 with kty EC2", map: COSEMap.with(rsaStandIn, 1, 2), code: .invalidPublicKey),
            RejectionCase(name: "PS256 with kty OKP", map: COSEMap.with(COSEMap.with(rsaStandIn, 3, -37), 1, 1), code: .invalidPublicKey),
            RejectionCase(name: "EC2 P-256 key labelled RS256", map: COSEMap.with(es256, 3, -257), code: .invalidPublicKey),
            // crv
            RejectionCase(name: "ES256 with crv P-384", map: COSEMap.ec2(alg: -7, crv: 2, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "ES256 with crv P-521", map: COSEMap.ec2(alg: -7, crv: 3, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "ES256 with crv Ed25519", map: COSEMap.ec2(alg: -7, crv: 6, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "ES256 with crv secp256k1 (8)", map: COSEMap.ec2(alg: -7, crv: 8, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "ES384 with crv P-256", map: COSEMap.ec2(alg: -35, crv: 1, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "ES512 with crv P-256", map: COSEMap.ec2(alg: -36, crv: 1, x: x, y: y), code: .invalidPublicKey),
            RejectionCase(name: "crv missing", map: COSEMap.with(es256, -1, nil), code: .invalidPublicKey),
            RejectionCase(name: "EdDSA with crv P-256", map: COSEMap.okp(alg: -8, crv: 1, x: ed), code: .invalidPublicKey),
            RejectionCase(name: "EdDSA with crv X25519 (4)", map: COSEMap.okp(alg: -8, crv: 4, x: ed), code: .invalidPublicKey),
            RejectionCase(name: "Ed25519 (-19) with crv Ed448", map: COSEMap.okp(alg: -19, crv: 7, x: PublishedKeys.ed448Public), code: .invalidPublicKey),
            RejectionCase(name: "Ed448 (-53) with crv Ed25519", map: COSEMap.okp(alg: -53, crv: 6, x: ed), code: .invalidPublicKey),
            // parameters
            RejectionCase(name: "EC2 point off the curve", map: COSEMap.ec2(alg: -7, x: x, y: offCurveY), code: .invalidPublicKey),
            RejectionCase(name: "EC2 x of 31 bytes", map: COSEMap.ec2(alg: -7, x: Array(x.dropFirst()), y: y), code: .invalidPublicKey),
            RejectionCase(name: "EC2 y of 33 bytes", map: COSEMap.ec2(alg: -7, x: x, y: [0] + y), code: .invalidPublicKey),
            RejectionCase(name: "EC2 compressed y (boolean)", map: COSEMap.with(es256, -3, true), code: .invalidPublicKey),
            RejectionCase(name: "EC2 y missing", map: COSEMap.with(es256, -3, nil), code: .invalidPublicKey),
            RejectionCase(name: "EC2 x as text", map: COSEMap.with(es256, -2, "x"), code: .invalidPublicKey),
            RejectionCase(name: "EC2 with private key d", map: COSEMap.with(es256, -4, .bytes(PublishedKeys.meriadocD)), code: .invalidPublicKey),
            RejectionCase(name: "Ed25519 x of 31 bytes", map: COSEMap.okp(alg: -8, crv: 6, x: Array(ed.dropLast())), code: .invalidPublicKey),
            RejectionCase(name: "Ed448 x of 32 bytes", map: COSEMap.okp(alg: -8, crv: 7, x: ed), code: .invalidPublicKey),
            RejectionCase(name: "OKP x missing", map: COSEMap.with(COSEMap.okp(alg: -8, crv: 6, x: ed), -2, nil), code: .invalidPublicKey),
            RejectionCase(name: "RSA n missing", map: COSEMap.with(rsaStandIn, -1, nil), code: .invalidPublicKey),
            RejectionCase(name: "RSA even modulus", map: COSEMap.with(rsaStandIn, -1, .bytes([UInt8](repeating: 0xC2, count: 256))), code: .invalidPublicKey),
            RejectionCase(name: "RSA exponent of 9 bytes", map: COSEMap.with(rsaStandIn, -2, .bytes([1] + [UInt8](repeating: 0, count: 7) + [1])), code: .invalidPublicKey),
            RejectionCase(name: "RSA with private exponent d", map: COSEMap.with(rsaStandIn, -3, .bytes([1, 2, 3])), code: .invalidPublicKey),
            RejectionCase(name: "RSA modulus of 2047 bits", map: COSEMap.with(rsaStandIn, -1, .bytes([0x7F] + [UInt8](repeating: 0xC1, count: 255))), code: .keyTooWeak),
            RejectionCase(name: "RSA modulus over 16384 bits", map: COSEMap.with(rsaStandIn, -1, .bytes([UInt8](repeating: 0xC1, count: 2049))), code: .invalidPublicKey),
        ]
    }

    @Test("a COSE_Key whose alg, kty, crv or parameters are wrong is rejected with its code", arguments: rejectionCases)
    func rejected(_ rejection: RejectionCase) {
        #expect(code { _ = try COSEKey(encoded: COSEMap.encode(rejection.map), allowRS1: true) } == rejection.code)
        #expect(code { _ = try COSEKey(map: rejection.map, encoded: [], allowRS1: true) } == rejection.code)
    }

    @Test("RS1 is refused with algorithm-not-allowed unless allowRS1 is set")
    func rs1Gating() throws {
        let signer = try PublishedKeys.rsa2048.get()
        let encoded = COSEMap.encode(COSEMap.rsa(alg: -65535, key: signer.publicKey))
        #expect(code { _ = try COSEKey(encoded: encoded) } == .algorithmNotAllowed)
        #expect(code { _ = try COSEKey(encoded: encoded, allowRS1: false) } == .algorithmNotAllowed)
        let key = try COSEKey(encoded: encoded, allowRS1: true)
        #expect(key.algorithm == .rs1)
        let signature = try signer.sign(message: message, scheme: .rsaPKCS1v15(.sha1))
        #expect(key.verifySignature(signature, over: message))
    }

    @Test("parsing the same bytes again reuses the OpenSSL key, and an earlier RS1 parse with allowRS1 does not admit RS1 without it")
    func repeatedParse() throws {
        let encoded = COSEMap.encode(COSEMap.ec2(alg: -7, x: PublishedKeys.rfc6979X, y: PublishedKeys.rfc6979Y))
        let first = try COSEKey(encoded: encoded)
        let second = try COSEKey(encoded: encoded)
        #expect(first == second)
        #expect(first.evpKey === second.evpKey)
        #expect(second.verifySignature(PublishedKeys.rfc6979SampleSignature, over: Array("sample".utf8)))

        let signer = try PublishedKeys.rsa2048.get()
        let rs1 = COSEMap.encode(COSEMap.rsa(alg: -65535, key: signer.publicKey))
        _ = try COSEKey(encoded: rs1, allowRS1: true)
        #expect(code { _ = try COSEKey(encoded: rs1) } == .algorithmNotAllowed)
        // A rejected key is not remembered: it is rejected again.
        var offCurve = PublishedKeys.rfc6979Y
        offCurve[0] ^= 1
        let bad = COSEMap.encode(COSEMap.ec2(alg: -7, x: PublishedKeys.rfc6979X, y: offCurve))
        #expect(code { _ = try COSEKey(encoded: bad) } == .invalidPublicKey)
        #expect(code { _ = try COSEKey(encoded: bad) } == .invalidPublicKey)
    }

    @Test("a real 1024-bit RSA key is rejected as too weak, from COSE and from SubjectPublicKeyInfo")
    func smallRSA() throws {
        let small = try PublishedKeys.rsa1024.get()
        #expect(code { _ = try COSEKey(encoded: COSEMap.encode(COSEMap.rsa(alg: -257, key: small.publicKey))) } == .keyTooWeak)
        #expect(code { _ = try COSEKey(subjectPublicKeyInfoDER: small.publicKey.subjectPublicKeyInfoDER(), algorithm: .rs256) } == .keyTooWeak)
    }

    @Test("bytes that are not one strict CBOR map are rejected: trailing bytes, truncation, duplicates, non-map")
    func malformedCBOR() {
        let encoded = COSEMap.encode(COSEMap.ec2(alg: -7, x: PublishedKeys.meriadocX, y: PublishedKeys.meriadocY))
        #expect(code { _ = try COSEKey(encoded: encoded + [0x00]) } == .invalidCBOR)
        #expect(code { _ = try COSEKey(encoded: Array(encoded.dropLast())) } == .invalidCBOR)
        #expect(code { _ = try COSEKey(encoded: []) } == .invalidCBOR)
        // {1: 2, 1: 2}: a duplicate key.
        #expect(code { _ = try COSEKey(encoded: [0xA2, 0x01, 0x02, 0x01, 0x02]) } == .invalidCBOR)
        // An array, and an empty map.
        #expect(code { _ = try COSEKey(encoded: [0x81, 0x01]) } == .invalidPublicKey)
        #expect(code { _ = try COSEKey(encoded: [0xA0]) } == .invalidPublicKey)
    }

    @Test("a COSE_Key in non-canonical key order is accepted and keeps its bytes as received")
    func nonCanonicalOrder() throws {
        // Hand-written: {3: -7, 1: 2, -1: 1, -2: x, -3: y} (alg before kty), not CTAP2 order.
        let bytes: [UInt8] = [0xA5, 0x03, 0x26, 0x01, 0x02, 0x20, 0x01, 0x21, 0x58, 0x20] + PublishedKeys.meriadocX
            + [0x22, 0x58, 0x20] + PublishedKeys.meriadocY
        let key = try COSEKey(encoded: bytes)
        #expect(key.encoded == bytes)
        #expect(key.algorithm == .es256)
    }

    // MARK: - SubjectPublicKeyInfo and PEM

    @Test("an ES256 key converts to the SPKI Python derives from the RFC 8152 private key, and back to the canonical COSE_Key")
    func es256SPKIRoundTrip() throws {
        // CTAP2 canonical COSE_Key, written out by hand: A5 01 02 03 26 20 01 21 58 20 <x> 22 58 20 <y>.
        let canonical: [UInt8] = [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + PublishedKeys.meriadocX
            + [0x22, 0x58, 0x20] + PublishedKeys.meriadocY
        let key = try COSEKey(encoded: canonical)
        let output = try pythonOutput(
            """
            import sys
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives import serialization
            k = ec.derive_private_key(int(sys.argv[1], 16), ec.SECP256R1()).public_key()
            print(k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex())
            """, [hex(PublishedKeys.meriadocD)])
        #expect(hex(key.subjectPublicKeyInfoDER()) == output.trimmingCharacters(in: .whitespacesAndNewlines))
        let back = try COSEKey(subjectPublicKeyInfoDER: key.subjectPublicKeyInfoDER(), algorithm: .es256)
        #expect(back.encoded == canonical)
        #expect(back == key)
        #expect(try COSEKey(pem: key.pem(), algorithm: .es256).encoded == canonical)
    }

    @Test("every algorithm's key survives COSE -> SPKI -> openssl CLI -> SPKI -> COSE unchanged", arguments: algorithmCases)
    func spkiThroughOpenSSL(_ testCase: AlgorithmCase) throws {
        let (_, map) = try fixture(testCase)
        let key = try COSEKey(map: map, encoded: COSEMap.encode(map), allowRS1: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kb-cose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try key.pem().write(to: directory.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "pkey", "-pubin", "-in", "key.pem", "-outform", "DER", "-out", "key.der"]
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let der = [UInt8](try Data(contentsOf: directory.appendingPathComponent("key.der")))
        #expect(der == key.subjectPublicKeyInfoDER())
        let back = try COSEKey(subjectPublicKeyInfoDER: der, algorithm: testCase.algorithm)
        #expect(back.encoded == COSEMap.encode(map))
        #expect(back.keyType == testCase.keyType && back.curve == testCase.curve)
    }

    @Test("an SPKI whose key does not fit the named algorithm is rejected with invalid-public-key")
    func spkiAlgorithmMismatch() throws {
        let p256 = try COSEKey(encoded: COSEMap.encode(COSEMap.ec2(alg: -7, x: PublishedKeys.meriadocX, y: PublishedKeys.meriadocY)))
        let ed25519 = try COSEKey(encoded: COSEMap.encode(COSEMap.okp(alg: -8, crv: 6, x: PublishedKeys.ed25519Public)))
        let ed448 = try COSEKey(encoded: COSEMap.encode(COSEMap.okp(alg: -8, crv: 7, x: PublishedKeys.ed448Public)))
        let rsa = try PublishedKeys.rsa2048.get().publicKey.subjectPublicKeyInfoDER()
        let mismatches: [([UInt8], COSEAlgorithm)] = [
            (p256.subjectPublicKeyInfoDER(), .es384), (p256.subjectPublicKeyInfoDER(), .rs256),
            (p256.subjectPublicKeyInfoDER(), .eddsa), (ed25519.subjectPublicKeyInfoDER(), .ed448),
            (ed25519.subjectPublicKeyInfoDER(), .es256), (ed448.subjectPublicKeyInfoDER(), .ed25519),
            (rsa, .es256), (rsa, .eddsa),
        ]
        for (spki, algorithm) in mismatches {
            #expect(code { _ = try COSEKey(subjectPublicKeyInfoDER: spki, algorithm: algorithm) } == .invalidPublicKey, "\(algorithm)")
        }
        #expect(code { _ = try COSEKey(subjectPublicKeyInfoDER: p256.subjectPublicKeyInfoDER(), algorithm: COSEAlgorithm(rawValue: -47)) } == .unsupportedAlgorithm)
        #expect(code { _ = try COSEKey(subjectPublicKeyInfoDER: [0x30, 0x00], algorithm: .es256) } == .invalidPublicKey)
        #expect(code { _ = try COSEKey(pem: "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", algorithm: .es256) } == .invalidPublicKey)
        // -8 accepts both Edwards curves from SPKI.
        #expect(try COSEKey(subjectPublicKeyInfoDER: ed448.subjectPublicKeyInfoDER(), algorithm: .eddsa).curve == .ed448)
    }

    @Test("algorithm names follow the IANA COSE registry")
    func algorithmNames() {
        #expect(COSEAlgorithm.es256.description == "ES256")
        #expect(COSEAlgorithm.eddsa.description == "EdDSA")
        #expect(COSEAlgorithm.ed25519.description == "Ed25519")
        #expect(COSEAlgorithm.ps512.description == "PS512")
        #expect(COSEAlgorithm.rs1.description == "RS1")
        #expect(COSEAlgorithm(rawValue: -47).description == "COSE(-47)")
        #expect(COSEAlgorithm(rawValue: -7) == .es256)
        #expect(!COSEAlgorithm(rawValue: -47).isSupported)
    }

    // MARK: - Helpers

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    private func pythonOutput(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
