import Testing
import WebAuthn

@Suite struct Base64URLTests {
    /// RFC 4648 §10 test vectors (their base64 text has no '+' or '/', so it is also base64url), without padding.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("encodes the RFC 4648 §10 vectors without padding", arguments: rfc4648)
    func encodesRFCVectors(_ vector: (String, String)) {
        #expect(Base64URL.encode(Array(vector.0.utf8)) == vector.1)
    }

    @Test("decodes the RFC 4648 §10 vectors unpadded and correctly padded", arguments: rfc4648)
    func decodesRFCVectors(_ vector: (String, String)) throws {
        #expect(try Base64URL.decode(vector.1) == Array(vector.0.utf8))
        let padded = vector.1 + String(repeating: "=", count: (4 - vector.1.count % 4) % 4)
        #expect(try Base64URL.decode(padded) == Array(vector.0.utf8))
    }

    @Test("uses '-' and '_' for 62 and 63 (RFC 4648 §5)")
    func urlAlphabet() throws {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(try Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test("round-trips every length and byte value")
    func roundTrip() throws {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            #expect(try Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(try Base64URL.decode(Base64URL.encode(all)) == all)
    }

    static let invalid: [String] = [
        "Zm9v+g",  // '+' belongs to plain base64
        "Zm9v/g",  // '/' too
        "Zm9 v",  // whitespace
        "Zm9vY",  // 4n+1 characters cannot occur
        "Zg=",  // padding that does not reach a multiple of four
        "Zg===",  // too much padding
        "Z===",
        "====",
        "Zm=v",  // padding inside
        "Zh",  // non-zero trailing bits (canonical is "Zg")
        "Zm9",  // non-zero trailing bits (canonical is "Zm8")
        "Zm9v\u{0}",
        "Zm9vé",
    ]

    @Test("rejects anything but unpadded or correctly padded base64url", arguments: invalid)
    func rejectsInvalid(_ text: String) {
        #expect(throws: WebAuthnError(.invalidBase64URL, "")) { try Base64URL.decode(text) }
    }
}
