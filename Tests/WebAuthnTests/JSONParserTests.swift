import Testing
import WebAuthn

@Suite struct JSONParserTests {
    private func parse(_ text: String, limits: JSONLimits = .default) throws(WebAuthnError) -> JSONValue {
        try JSONParser(limits: limits).parse(text)
    }

    @Test("parses every kind of RFC 8259 value")
    func parsesAllKinds() throws {
        let value = try parse(#" { "a" : [1, -2.5, 3e2, true, false, null], "b": {"c": "d"}, "e": "" } "#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b", "e"])
        #expect(value["a"] == .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("d"))
        #expect(value["e"] == .string(""))
    }

    @Test("accepts any value at top level, surrounded by the four whitespace characters")
    func topLevelScalars() throws {
        #expect(try parse("\t\r\n 42 \n") == .number(42))
        #expect(try parse("\"x\"") == .string("x"))
        #expect(try parse("null") == .null)
    }

    @Test("decodes every escape, including a surrogate pair, to the code points RFC 8259 §7 defines")
    func decodesEscapes() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000""#)
        // U+1F600 is the pair D83D DE00; U+0000 is allowed through an escape.
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀\u{0}"))
    }

    @Test("keeps raw UTF-8 of every length intact")
    func keepsUTF8() throws {
        #expect(try parse("\"aé€😀\"") == .string("aé€😀"))
    }

    @Test("reads numbers exactly where a Double can, and intValue only for exact integers")
    func numbers() throws {
        #expect(try parse("-0") == .number(0))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("1E-2") == .number(0.01))
        // 2^53 + 1 reads as 2^53, so neither is trusted as an integer; 2^53 - 1 (MAX_SAFE_INTEGER) is.
        #expect(try parse("9007199254740993").intValue == nil)
        #expect(try parse("9007199254740992").intValue == nil)
        #expect(try parse("9007199254740991").intValue == 9_007_199_254_740_991)
        #expect(try parse("-9007199254740991").intValue == -9_007_199_254_740_991)
        #expect(try parse("-65535").intValue == -65535)
        #expect(try parse("1.5").intValue == nil)
        #expect(try parse("123456789012345678").numberValue == 1.2345678901234568e17)  // the nearest Double
    }

    static let malformed: [(String, String)] = [
        ("trailing comma in an array", "[1,]"),
        ("trailing comma in an object", #"{"a":1,}"#),
        ("leading comma", "[,1]"),
        ("leading zero", "01"),
        ("bare minus", "-"),
        ("fraction without digits", "1."),
        ("exponent without digits", "1e"),
        ("plus sign", "+1"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("number beyond Double", "1e400"),
        ("single quotes", "'a'"),
        ("comment", "[1 /* c */]"),
        ("unquoted key", "{a:1}"),
        ("missing colon", #"{"a" 1}"#),
        ("missing value", #"{"a":}"#),
        ("trailing data", "1 2"),
        ("empty input", ""),
        ("only whitespace", "  "),
        ("unterminated string", #""abc"#),
        ("unterminated array", "[1"),
        ("unterminated object", #"{"a":1"#),
        ("raw control character in a string", "\"a\u{01}b\""),
        ("raw newline in a string", "\"a\nb\""),
        ("invalid escape", #""\x41""#),
        ("short unicode escape", #""\u41""#),
        ("lone high surrogate", #""\ud83d""#),
        ("high surrogate then a non-surrogate", #""\ud83d\u0041""#),
        ("lone low surrogate", #""\ude00""#),
        ("byte order mark", "\u{FEFF}1"),
        ("true misspelt", "tru"),
        ("null with trailing letters", "nullx"),
        ("duplicate key", #"{"a":1,"a":2}"#),
        ("duplicate key after escapes", #"{"a":1,"\u0061":2}"#),
        ("duplicate key in a nested object", #"[{"k":{"x":1,"x":1}}]"#),
        ("non-whitespace control before value", "\u{0B}1"),
    ]

    @Test("rejects malformed JSON with invalid-json", arguments: malformed)
    func rejectsMalformed(_ testCase: (String, String)) {
        #expect(throws: WebAuthnError(.invalidJSON, "")) { try parse(testCase.1) }
    }

    @Test("rejects bytes that are not well-formed UTF-8 inside strings", arguments: [
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
        [0x22, 0x80, 0x22],  // lone continuation byte
        [0x22, 0xFF, 0x22],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect(throws: WebAuthnError(.invalidJSON, "")) { try JSONParser().parse(bytes) }
    }

    @Test("refuses nesting deeper than the limit and accepts it at the limit")
    func depthLimit() throws {
        let limits = JSONLimits(maxBytes: 1 << 20, maxDepth: 8)
        #expect(try parse(String(repeating: "[", count: 8) + String(repeating: "]", count: 8), limits: limits) != .null)
        #expect(throws: WebAuthnError(.invalidJSON, "")) {
            try parse(String(repeating: "[", count: 9) + String(repeating: "]", count: 9), limits: limits)
        }
        // A deeply nested input far over the limit is refused without exhausting the stack.
        #expect(throws: WebAuthnError(.invalidJSON, "")) { try parse(String(repeating: "[", count: 100_000)) }
    }

    @Test("refuses input larger than the size limit")
    func sizeLimit() {
        let limits = JSONLimits(maxBytes: 16, maxDepth: 8)
        #expect(throws: WebAuthnError(.invalidJSON, "")) { try parse(#"["0123456789abcd"]"#, limits: limits) }
    }

    @Test("detects a duplicate among many keys (past the switch from linear search to a set)")
    func duplicateAmongMany() throws {
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(try parse("{" + keys.joined(separator: ",") + "}").objectValue?.count == 40)
        #expect(throws: WebAuthnError(.invalidJSON, "")) {
            try parse("{" + keys.joined(separator: ",") + ",\"k7\":0}")
        }
    }
}

@Suite struct JSONWriterTests {
    @Test("writes compact JSON with members in insertion order")
    func compactOrdered() {
        let value = JSONValue.object(JSONObject([("b", .integer(1)), ("a", .array([.bool(true), .null, .string("x")]))]))
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,null,"x"]}"#)
    }

    @Test("escapes quotes, backslashes and control characters and nothing else")
    func escaping() {
        #expect(JSONWriter.string(.string("\"\\/\u{08}\u{0C}\n\r\t\u{01}\u{1F}é😀")) == #""\"\\/\b\f\n\r\t\u0001\u001fé😀""#)
    }

    @Test("writes integral numbers without a fraction, and others in a form that reads back the same")
    func numbers() throws {
        #expect(JSONWriter.string(.number(-7)) == "-7")
        #expect(JSONWriter.string(.number(4_294_967_295)) == "4294967295")
        for n in [0.1, -2.5e-7, 1.7976931348623157e308, 1e16 + 2] {
            let text = JSONWriter.string(.number(n))
            #expect(try JSONParser().parse(text) == .number(n))
        }
    }

    @Test("output parses back to the same value")
    func roundTrip() throws {
        let text = #"{"a":[1,2.5,{"b":"\u0000\ud83d\ude00"}],"c":{"d":false,"e":null},"f":"é"}"#
        let value = try JSONParser().parse(text)
        #expect(try JSONParser().parse(JSONWriter.bytes(value)) == value)
        // Same value, same bytes.
        #expect(JSONWriter.bytes(value) == JSONWriter.bytes(try JSONParser().parse(JSONWriter.bytes(value))))
    }
}
