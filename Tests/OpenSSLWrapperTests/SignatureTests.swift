import OpenSSLWrapper
import Testing

/// One key kind and signature scheme, with the names the Python cross-check uses.
struct SchemeCase: Sendable, CustomTestStringConvertible {
    let kind: EVPKeyKind
    let scheme: SignatureScheme
    let pythonScheme: String
    let pythonHash: String
    let pythonKey: String
    var testDescription: String { "\(scheme) with \(kind)" }

    static let all: [SchemeCase] = [
        SchemeCase(kind: .ec(.p256), scheme: .ecdsa(.sha256), pythonScheme: "ecdsa", pythonHash: "sha256", pythonKey: "p256"),
        SchemeCase(kind: .ec(.p384), scheme: .ecdsa(.sha384), pythonScheme: "ecdsa", pythonHash: "sha384", pythonKey: "p384"),
        SchemeCase(kind: .ec(.p521), scheme: .ecdsa(.sha512), pythonScheme: "ecdsa", pythonHash: "sha512", pythonKey: "p521"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPKCS1v15(.sha1), pythonScheme: "pkcs1", pythonHash: "sha1", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPKCS1v15(.sha256), pythonScheme: "pkcs1", pythonHash: "sha256", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPKCS1v15(.sha384), pythonScheme: "pkcs1", pythonHash: "sha384", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPKCS1v15(.sha512), pythonScheme: "pkcs1", pythonHash: "sha512", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPSS(.sha256), pythonScheme: "pss", pythonHash: "sha256", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPSS(.sha384), pythonScheme: "pss", pythonHash: "sha384", pythonKey: "rsa2048"),
        SchemeCase(kind: .rsa(bits: 2048), scheme: .rsaPSS(.sha512), pythonScheme: "pss", pythonHash: "sha512", pythonKey: "rsa2048"),
        SchemeCase(kind: .ed25519, scheme: .eddsa, pythonScheme: "eddsa", pythonHash: "none", pythonKey: "ed25519"),
        SchemeCase(kind: .ed448, scheme: .eddsa, pythonScheme: "eddsa", pythonHash: "none", pythonKey: "ed448"),
    ]
}

/// Keys generated once per test run (RSA generation is slow).
enum TestKeys {
    static let rsa2048 = Result { () throws(OpenSSLError) in try EVPPrivateKey.generate(.rsa(bits: 2048)) }
    static let p256 = Result { () throws(OpenSSLError) in try EVPPrivateKey.generate(.ec(.p256)) }

    static func key(_ kind: EVPKeyKind) throws -> EVPPrivateKey {
        switch kind {
        case .rsa(bits: 2048): return try rsa2048.get()
        case .ec(.p256): return try p256.get()
        default: return try EVPPrivateKey.generate(kind)
        }
    }
}

@Suite struct SignatureTests {
    let message = Array("authenticatorData || clientDataHash stands in here".utf8)

    @Test("a signature made with each scheme verifies under the matching public key", arguments: SchemeCase.all)
    func roundTrip(_ testCase: SchemeCase) throws {
        let key = try TestKeys.key(testCase.kind)
        let signature = try key.sign(message: message, scheme: testCase.scheme)
        #expect(key.publicKey.verify(signature: signature, message: message, scheme: testCase.scheme))
        if let digest = testCase.scheme.digest {
            #expect(key.publicKey.verify(signature: signature, digest: Digest.hash(digest, message), scheme: testCase.scheme))
        }
    }

    @Test("a changed message, a flipped signature bit or a truncated signature is rejected", arguments: SchemeCase.all)
    func wrongSignatureRejected(_ testCase: SchemeCase) throws {
        let key = try TestKeys.key(testCase.kind)
        let signature = try key.sign(message: message, scheme: testCase.scheme)
        var otherMessage = message
        otherMessage[0] ^= 1
        #expect(!key.publicKey.verify(signature: signature, message: otherMessage, scheme: testCase.scheme))
        var flipped = signature
        flipped[flipped.count / 2] ^= 0x10
        #expect(!key.publicKey.verify(signature: flipped, message: message, scheme: testCase.scheme))
        #expect(!key.publicKey.verify(signature: Array(signature.dropLast()), message: message, scheme: testCase.scheme))
        #expect(!key.publicKey.verify(signature: [], message: message, scheme: testCase.scheme))
        // A wrong signature must not leave entries in the error queue that a later good verification trips on.
        #expect(key.publicKey.verify(signature: signature, message: message, scheme: testCase.scheme))
    }

    @Test("a signature by another key of the same kind is rejected", arguments: SchemeCase.all.filter { $0.kind != .rsa(bits: 2048) })
    func otherKeyRejected(_ testCase: SchemeCase) throws {
        let signer = try EVPPrivateKey.generate(testCase.kind)
        let other = try EVPPrivateKey.generate(testCase.kind)
        let signature = try signer.sign(message: message, scheme: testCase.scheme)
        #expect(!other.publicKey.verify(signature: signature, message: message, scheme: testCase.scheme))
    }

    @Test("Python's cryptography package accepts our signatures", arguments: SchemeCase.all)
    func pythonVerifiesOurs(_ testCase: SchemeCase) throws {
        let key = try TestKeys.key(testCase.kind)
        let signature = try key.sign(message: message, scheme: testCase.scheme)
        let verdict = try ExternalTool.python(
            pythonSignatureTool,
            ["verify", testCase.pythonScheme, testCase.pythonHash, key.publicKey.subjectPublicKeyInfoDER().hex,
             message.hex, signature.hex])
        #expect(verdict == ["valid"])
    }

    @Test("signatures made by Python's cryptography package verify here, and fail on a changed message", arguments: SchemeCase.all)
    func weVerifyPythons(_ testCase: SchemeCase) throws {
        let words = try ExternalTool.python(
            pythonSignatureTool, ["sign", testCase.pythonScheme, testCase.pythonHash, testCase.pythonKey, message.hex])
        try #require(words.count == 2)
        let key = try EVPKey(subjectPublicKeyInfoDER: [UInt8](hex: words[0]))
        let signature = [UInt8](hex: words[1])
        #expect(key.verify(signature: signature, message: message, scheme: testCase.scheme))
        #expect(!key.verify(signature: signature, message: message + [0], scheme: testCase.scheme))
    }

    @Test("a scheme that does not fit the key is refused by verify and sign")
    func mismatchedScheme() throws {
        let ec = try TestKeys.key(.ec(.p256))
        let rsa = try TestKeys.key(.rsa(bits: 2048))
        let ecSignature = try ec.sign(message: message, scheme: .ecdsa(.sha256))
        #expect(!ec.publicKey.verify(signature: ecSignature, message: message, scheme: .rsaPKCS1v15(.sha256)))
        #expect(!ec.publicKey.verify(signature: ecSignature, message: message, scheme: .eddsa))
        #expect(!rsa.publicKey.verify(signature: ecSignature, message: message, scheme: .ecdsa(.sha256)))
        #expect(throws: OpenSSLError.self) { try ec.sign(message: message, scheme: .rsaPSS(.sha256)) }
    }

    @Test("verify(digest:) refuses a digest of the wrong length and the pure EdDSA scheme")
    func digestPathGuards() throws {
        let ec = try TestKeys.key(.ec(.p256))
        let signature = try ec.sign(message: message, scheme: .ecdsa(.sha256))
        let digest = Digest.sha256(message)
        #expect(ec.publicKey.verify(signature: signature, digest: digest, scheme: .ecdsa(.sha256)))
        #expect(!ec.publicKey.verify(signature: signature, digest: Array(digest.dropLast()), scheme: .ecdsa(.sha256)))
        #expect(!ec.publicKey.verify(signature: signature, digest: digest, scheme: .ecdsa(.sha384)))
        let ed = try EVPPrivateKey.generate(.ed25519)
        let edSignature = try ed.sign(message: message, scheme: .eddsa)
        #expect(!ed.publicKey.verify(signature: edSignature, digest: message, scheme: .eddsa))
    }

    @Test("an ECDSA signature with non-DER encoding (extra leading zero in r) is rejected")
    func nonDERSignatureRejected() throws {
        // RFC 6979 §A.2.5, P-256 with SHA-256, message "sample": the published (r, s), DER-encoded.
        let key = try EVPPrivateKey(
            ecPrivateScalar: [UInt8](hex: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"), curve: .p256)
        let r = [UInt8](hex: "00EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716")
        let s = [UInt8](hex: "00F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8")
        let der = [0x30, 0x46, 0x02, 0x21] + r + [0x02, 0x21] + s
        #expect(key.publicKey.verify(signature: der, message: Array("sample".utf8), scheme: .ecdsa(.sha256)))
        let padded = [0x30, 0x47, 0x02, 0x22, 0x00] + r + [0x02, 0x21] + s
        #expect(!key.publicKey.verify(signature: padded, message: Array("sample".utf8), scheme: .ecdsa(.sha256)))
        #expect(!key.publicKey.verify(signature: der + [0], message: Array("sample".utf8), scheme: .ecdsa(.sha256)))
    }

    @Test("the RFC 8032 §7.1 TEST 1 and §7.4 'Blank' Ed25519/Ed448 signatures are reproduced and verify")
    func rfc8032() throws {
        let ed25519 = try EVPPrivateKey(
            ed25519Seed: [UInt8](hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(ed25519.publicKey.rawPublicKey?.hex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature25519 = [UInt8](
            hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(try ed25519.sign(message: [], scheme: .eddsa) == signature25519)
        let public25519 = try EVPKey(ed25519PublicKey: [UInt8](hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        #expect(public25519.verify(signature: signature25519, message: [], scheme: .eddsa))

        let ed448 = try EVPPrivateKey(
            ed448Seed: [UInt8](hex: "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b"))
        let public448 = [UInt8](
            hex: "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180")
        #expect(ed448.publicKey.rawPublicKey == public448)
        let signature448 = [UInt8](
            hex: "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600")
        #expect(try ed448.sign(message: [], scheme: .eddsa) == signature448)
        #expect(try EVPKey(ed448PublicKey: public448).verify(signature: signature448, message: [], scheme: .eddsa))
    }

    @Test("concurrent verifications on one key all succeed, and wrong ones all fail")
    func concurrentVerification() async throws {
        let key = try TestKeys.key(.ec(.p256))
        let publicKey = key.publicKey
        let message = self.message
        let signature = try key.sign(message: message, scheme: .ecdsa(.sha256))
        var wrong = signature
        wrong[10] ^= 1
        let wrongSignature = wrong
        let results = await withTaskGroup(of: (Bool, Bool).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var good = true
                    var bad = false
                    for _ in 0..<200 {
                        good = good && publicKey.verify(signature: signature, message: message, scheme: .ecdsa(.sha256))
                        bad = bad || publicKey.verify(signature: wrongSignature, message: message, scheme: .ecdsa(.sha256))
                    }
                    return (good, bad)
                }
            }
            var all: [(Bool, Bool)] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0.0 && !$0.1 })
    }

    @Test("keys made concurrently from the same and from different points are all correct")
    func concurrentKeyCreation() async throws {
        let signer = try TestKeys.key(.ec(.p256))
        let point = try #require(signer.publicKey.ecPublicPoint)
        let message = self.message
        let signature = try signer.sign(message: message, scheme: .ecdsa(.sha256))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var ok = true
                    for round in 0..<50 {
                        guard let key = try? EVPKey(ecPublicKeyX: point.x, y: point.y, curve: .p256) else { return false }
                        ok = ok && key.verify(signature: signature, message: message, scheme: .ecdsa(.sha256))
                        if (task + round) % 5 == 0, let other = try? EVPPrivateKey.generate(.ec(.p384)),
                            let otherPoint = other.publicKey.ecPublicPoint
                        {
                            ok = ok && (try? EVPKey(ecPublicKeyX: otherPoint.x, y: otherPoint.y, curve: .p384)) == other.publicKey
                        }
                    }
                    return ok
                }
            }
            var all: [Bool] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes == [Bool](repeating: true, count: 8))
    }
}
