import Testing

@testable import FIDODevices

/// The JSON and base64url writers behind every document this module prints.
@Suite struct OutputJSONTests {
    @Test("Base64url encodes the RFC 4648 §10 test vectors without padding")
    func base64URLVectors() {
        // RFC 4648 §10 (BASE64), with padding removed as §5 base64url without padding does.
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
        for (input, expected) in vectors {
            #expect(Base64URLText.encode(Array(input.utf8)) == expected)
        }
        // The two characters where base64url differs from base64 (RFC 4648 §5): 0xFB 0xFF -> "-_8".
        #expect(Base64URLText.encode([0xFB, 0xFF]) == "-_8")
    }
}
