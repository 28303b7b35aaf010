import Testing
import OneTimeCodes

/// RFC 4648 §10 test vectors for BASE32.
private let rfc4648Vectors: [(String, String)] = [
    ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
    ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
]

@Suite struct Base32Tests {
    @Test("Encoding and decoding match RFC 4648 §10")
    func rfc4648() throws {
        for (plain, encoded) in rfc4648Vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(try Base32.decode(encoded) == Array(plain.utf8))
            // Without padding, as the Key URI format writes secrets.
            let unpadded = String(encoded.prefix { $0 != "=" })
            #expect(Base32.encode(Array(plain.utf8), padding: false) == unpadded)
            #expect(try Base32.decode(unpadded) == Array(plain.utf8))
        }
    }

    @Test("Decoding forgives lower case, spaces, hyphens and missing padding, as authenticator apps display")
    func tolerant() throws {
        let expected = Array("foobar".utf8)
        for text in ["mzxw6ytboi", "MZXW 6YTB OI", "mzxw-6ytb-oi", " MzXw6YtBoI====== ", "mzxw\t6ytboi"] {
            #expect(try Base32.decode(text) == expected)
        }
    }

    @Test("Decoding rejects characters outside the alphabet, misplaced padding and impossible lengths")
    func invalid() {
        for text in ["MZXW1YTB", "MZXW0YTB", "MZXW8YTB", "MZ=XW6YTB", "MZXW6YTBO", "M", "MZX", "MZXW6Y", "MZXW6ü",
                     "MZXQ=====", "MY=", "========"] {
            #expect(throws: OneTimeCodeError(.invalidBase32, ""), "\(text)") { try Base32.decode(text) }
        }
    }

    @Test("Random byte strings round-trip and agree with Python's base64.b32encode")
    func pythonCrossCheck() throws {
        var random = SplitMix64(state: 4648)
        var lines: [String] = []
        var inputs: [[UInt8]] = []
        for length in 0..<40 {
            let bytes = random.bytes(length)
            inputs.append(bytes)
            lines.append(bytes.hex)
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
        }
        let expected = try Tool.python(
            "import sys, base64\nfor line in sys.stdin.read().split('\\n'):\n"
                + "    print(base64.b32encode(bytes.fromhex(line)).decode() or '-')",
            input: Array(lines.joined(separator: "\n").utf8))
        #expect(expected == inputs.map { Base32.encode($0).isEmpty ? "-" : Base32.encode($0) })
    }
}
