import OpenSSLWrapper
import Testing

@Suite struct DigestTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let algorithm: DigestAlgorithm
        let message: String
        let digest: String
        var testDescription: String { "\(algorithm) of \"\(message.prefix(12))\"" }
    }

    /// FIPS 180-2 Appendix A-C and the NIST "Cryptographic Standards and Guidelines: Examples with
    /// Intermediate Values" for SHA-1, SHA-256, SHA-384 and SHA-512 (one-block "abc", two-block message, empty).
    static let vectors: [Vector] = [
        Vector(algorithm: .sha1, message: "abc", digest: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Vector(algorithm: .sha256, message: "abc", digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(
            algorithm: .sha256, message: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(algorithm: .sha256, message: "", digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(
            algorithm: .sha384, message: "abc",
            digest: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        Vector(
            algorithm: .sha512, message: "abc",
            digest: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ]

    @Test("Digest.hash matches the FIPS 180 example digests", arguments: vectors)
    func knownDigests(_ vector: Vector) {
        let digest = Digest.hash(vector.algorithm, Array(vector.message.utf8))
        #expect(digest.hex == vector.digest)
        #expect(digest.count == vector.algorithm.outputSize)
    }

    @Test("Digest.sha256 over an array and over a raw buffer equals the FIPS 180 value")
    func sha256Overloads() {
        let message = Array("abc".utf8)
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(Digest.sha256(message).hex == expected)
        #expect(message.withUnsafeBytes { Digest.sha256($0) }.hex == expected)
    }

    @Test("SHA-256 of a million 'a' bytes matches FIPS 180-2 Appendix B.3")
    func sha256Long() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.sha256(message).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let algorithm: DigestAlgorithm
        let key: [UInt8]
        let message: [UInt8]
        let mac: String
        var testDescription: String { "\(name) \(algorithm)" }
    }

    static let hiThere = Array("Hi There".utf8)
    static let jefe = Array("Jefe".utf8)
    static let whatDoYaWant = Array("what do ya want for nothing?".utf8)
    static let largeKey = [UInt8](repeating: 0xAA, count: 131)
    static let largeKeyMessage = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)

    /// RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6), and RFC 2202 §3 test case 2 for HMAC-SHA-1.
    static let vectors: [Vector] = [
        Vector(
            name: "RFC 4231 case 1", algorithm: .sha256, key: [UInt8](repeating: 0x0B, count: 20), message: hiThere,
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(
            name: "RFC 4231 case 1", algorithm: .sha384, key: [UInt8](repeating: 0x0B, count: 20), message: hiThere,
            mac: "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"),
        Vector(
            name: "RFC 4231 case 1", algorithm: .sha512, key: [UInt8](repeating: 0x0B, count: 20), message: hiThere,
            mac: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        Vector(
            name: "RFC 4231 case 2", algorithm: .sha256, key: jefe, message: whatDoYaWant,
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(
            name: "RFC 4231 case 2", algorithm: .sha512, key: jefe, message: whatDoYaWant,
            mac: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        Vector(
            name: "RFC 4231 case 6", algorithm: .sha256, key: largeKey, message: largeKeyMessage,
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(
            name: "RFC 4231 case 6", algorithm: .sha384, key: largeKey, message: largeKeyMessage,
            mac: "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"),
        Vector(
            name: "RFC 2202 case 2", algorithm: .sha1, key: jefe, message: whatDoYaWant,
            mac: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    ]

    @Test("HMAC matches the RFC 4231 and RFC 2202 test vectors", arguments: vectors)
    func knownMACs(_ vector: Vector) {
        #expect(HMAC.authenticationCode(vector.algorithm, key: vector.key, message: vector.message).hex == vector.mac)
    }

    @Test("HMAC with an empty key equals Python's hmac module")
    func emptyKey() throws {
        let expected = try ExternalTool.python(
            "import hmac,sys; print(hmac.new(b'', b'KeyBridge', 'sha256').hexdigest())", [])
        #expect([HMAC.authenticationCode(.sha256, key: [], message: Array("KeyBridge".utf8)).hex] == expected)
    }
}

@Suite struct RandomAndComparisonTests {
    @Test("SecureRandom returns the requested number of bytes and two draws differ")
    func randomBytes() {
        #expect(SecureRandom.bytes(0).isEmpty)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b)
    }

    @Test("constantTimeEquals is true only for equal contents of equal length")
    func constantTimeComparison() {
        #expect(constantTimeEquals([], []))
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([0], []))
    }
}
