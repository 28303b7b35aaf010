import CBOR
import Testing

/// One row of RFC 8949 Appendix A ("Examples of Encoded CBOR Data Items"), Table 6.
struct AppendixAVector: Sendable, CustomTestStringConvertible {
    let diagnostic: String
    let encoded: String
    let value: CBORValue
    var testDescription: String { "\(diagnostic) = 0x\(encoded)" }
}

/// The rows in preferred serialization, which CTAP2 canonical form keeps unchanged (no tags).
let appendixAUntagged: [AppendixAVector] = [
    .init(diagnostic: "0", encoded: "00", value: 0),
    .init(diagnostic: "1", encoded: "01", value: 1),
    .init(diagnostic: "10", encoded: "0a", value: 10),
    .init(diagnostic: "23", encoded: "17", value: 23),
    .init(diagnostic: "24", encoded: "1818", value: 24),
    .init(diagnostic: "25", encoded: "1819", value: 25),
    .init(diagnostic: "100", encoded: "1864", value: 100),
    .init(diagnostic: "1000", encoded: "1903e8", value: 1000),
    .init(diagnostic: "1000000", encoded: "1a000f4240", value: 1_000_000),
    .init(diagnostic: "1000000000000", encoded: "1b000000e8d4a51000", value: 1_000_000_000_000),
    .init(diagnostic: "18446744073709551615", encoded: "1bffffffffffffffff", value: .unsigned(UInt64.max)),
    .init(diagnostic: "-18446744073709551616", encoded: "3bffffffffffffffff", value: .negative(UInt64.max)),
    .init(diagnostic: "-1", encoded: "20", value: -1),
    .init(diagnostic: "-10", encoded: "29", value: -10),
    .init(diagnostic: "-100", encoded: "3863", value: -100),
    .init(diagnostic: "-1000", encoded: "3903e7", value: -1000),
    .init(diagnostic: "0.0", encoded: "f90000", value: .float(0.0)),
    .init(diagnostic: "-0.0", encoded: "f98000", value: .float(-0.0)),
    .init(diagnostic: "1.0", encoded: "f93c00", value: .float(1.0)),
    .init(diagnostic: "1.1", encoded: "fb3ff199999999999a", value: .float(1.1)),
    .init(diagnostic: "1.5", encoded: "f93e00", value: .float(1.5)),
    .init(diagnostic: "65504.0", encoded: "f97bff", value: .float(65504.0)),
    .init(diagnostic: "100000.0", encoded: "fa47c35000", value: .float(100_000.0)),
    .init(diagnostic: "3.4028234663852886e+38", encoded: "fa7f7fffff", value: .float(3.4028234663852886e+38)),
    .init(diagnostic: "1.0e+300", encoded: "fb7e37e43c8800759c", value: .float(1.0e+300)),
    .init(diagnostic: "5.960464477539063e-8", encoded: "f90001", value: .float(5.960464477539063e-8)),
    .init(diagnostic: "0.00006103515625", encoded: "f90400", value: .float(0.00006103515625)),
    .init(diagnostic: "-4.0", encoded: "f9c400", value: .float(-4.0)),
    .init(diagnostic: "-4.1", encoded: "fbc010666666666666", value: .float(-4.1)),
    .init(diagnostic: "Infinity", encoded: "f97c00", value: .float(.infinity)),
    .init(diagnostic: "NaN", encoded: "f97e00", value: .float(.nan)),
    .init(diagnostic: "-Infinity", encoded: "f9fc00", value: .float(-.infinity)),
    .init(diagnostic: "false", encoded: "f4", value: false),
    .init(diagnostic: "true", encoded: "f5", value: true),
    .init(diagnostic: "null", encoded: "f6", value: .null),
    .init(diagnostic: "undefined", encoded: "f7", value: .undefined),
    .init(diagnostic: "simple(16)", encoded: "f0", value: .simple(16)),
    .init(diagnostic: "simple(255)", encoded: "f8ff", value: .simple(255)),
    .init(diagnostic: "h''", encoded: "40", value: .bytes([])),
    .init(diagnostic: "h'01020304'", encoded: "4401020304", value: .bytes([1, 2, 3, 4])),
    .init(diagnostic: "\"\"", encoded: "60", value: ""),
    .init(diagnostic: "\"a\"", encoded: "6161", value: "a"),
    .init(diagnostic: "\"IETF\"", encoded: "6449455446", value: "IETF"),
    .init(diagnostic: "\"\\\"\\\\\"", encoded: "62225c", value: "\"\\"),
    .init(diagnostic: "\"\\u00fc\"", encoded: "62c3bc", value: "\u{00fc}"),
    .init(diagnostic: "\"\\u6c34\"", encoded: "63e6b0b4", value: "\u{6c34}"),
    .init(diagnostic: "\"\\ud800\\udd51\"", encoded: "64f0908591", value: "\u{10151}"),
    .init(diagnostic: "[]", encoded: "80", value: .array([])),
    .init(diagnostic: "[1, 2, 3]", encoded: "83010203", value: [1, 2, 3]),
    .init(diagnostic: "[1, [2, 3], [4, 5]]", encoded: "8301820203820405", value: [1, [2, 3], [4, 5]]),
    .init(
        diagnostic: "[1, 2, ..., 25]", encoded: "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
        value: .array((1...25).map { CBORValue($0) })),
    .init(diagnostic: "{}", encoded: "a0", value: .map(CBORMap())),
    .init(diagnostic: "{1: 2, 3: 4}", encoded: "a201020304", value: .map(CBORMap([(1, 2), (3, 4)]))),
    .init(
        diagnostic: "{\"a\": 1, \"b\": [2, 3]}", encoded: "a26161016162820203",
        value: .map(CBORMap([("a", 1), ("b", [2, 3])]))),
    .init(
        diagnostic: "[\"a\", {\"b\": \"c\"}]", encoded: "826161a161626163",
        value: ["a", .map(CBORMap([("b", "c")]))]),
    .init(
        diagnostic: "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}",
        encoded: "a56161614161626142616361436164614461656145",
        value: .map(CBORMap([("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("e", "E")]))),
]

/// The tagged rows (RFC 8949 Appendix A), which need ``CBORDecoder/allowTags``.
let appendixATagged: [AppendixAVector] = [
    .init(
        diagnostic: "18446744073709551616", encoded: "c249010000000000000000",
        value: .tagged(2, .bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]))),
    .init(
        diagnostic: "-18446744073709551617", encoded: "c349010000000000000000",
        value: .tagged(3, .bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]))),
    .init(
        diagnostic: "0(\"2013-03-21T20:04:00Z\")", encoded: "c074323031332d30332d32315432303a30343a30305a",
        value: .tagged(0, "2013-03-21T20:04:00Z")),
    .init(diagnostic: "1(1363896240)", encoded: "c11a514b67b0", value: .tagged(1, 1_363_896_240)),
    .init(diagnostic: "1(1363896240.5)", encoded: "c1fb41d452d9ec200000", value: .tagged(1, .float(1_363_896_240.5))),
    .init(diagnostic: "23(h'01020304')", encoded: "d74401020304", value: .tagged(23, .bytes([1, 2, 3, 4]))),
    .init(
        diagnostic: "24(h'6449455446')", encoded: "d818456449455446",
        value: .tagged(24, .bytes([0x64, 0x49, 0x45, 0x54, 0x46]))),
    .init(
        diagnostic: "32(\"http://www.example.com\")", encoded: "d82076687474703a2f2f7777772e6578616d706c652e636f6d",
        value: .tagged(32, "http://www.example.com")),
]

/// RFC 8949 Appendix A rows that are well-formed CBOR but not preferred serialization (floats in a wider
/// form than needed) or that use indefinite lengths; the strict decoder rejects each at a known offset.
struct AppendixARejection: Sendable, CustomTestStringConvertible {
    let diagnostic: String
    let encoded: String
    let code: CBORError.Code
    let offset: Int
    var testDescription: String { "\(diagnostic) = 0x\(encoded) -> \(code)@\(offset)" }
}

let appendixARejected: [AppendixARejection] = [
    .init(diagnostic: "Infinity", encoded: "fa7f800000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "NaN", encoded: "fa7fc00000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "-Infinity", encoded: "faff800000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "Infinity", encoded: "fb7ff0000000000000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "NaN", encoded: "fb7ff8000000000000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "-Infinity", encoded: "fbfff0000000000000", code: .nonMinimalEncoding, offset: 0),
    .init(diagnostic: "(_ h'0102', h'030405')", encoded: "5f42010243030405ff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "(_ \"strea\", \"ming\")", encoded: "7f657374726561646d696e67ff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "[_ ]", encoded: "9fff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "[_ 1, [2, 3], [_ 4, 5]]", encoded: "9f018202039f0405ffff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "[_ 1, [2, 3], [4, 5]]", encoded: "9f01820203820405ff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "[1, [2, 3], [_ 4, 5]]", encoded: "83018202039f0405ff", code: .indefiniteLength, offset: 5),
    .init(diagnostic: "[1, [_ 2, 3], [4, 5]]", encoded: "83019f0203ff820405", code: .indefiniteLength, offset: 2),
    .init(
        diagnostic: "[_ 1, 2, ..., 25]", encoded: "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
        code: .indefiniteLength, offset: 0),
    .init(diagnostic: "{_ \"a\": 1, \"b\": [_ 2, 3]}", encoded: "bf61610161629f0203ffff", code: .indefiniteLength, offset: 0),
    .init(diagnostic: "[\"a\", {_ \"b\": \"c\"}]", encoded: "826161bf61626163ff", code: .indefiniteLength, offset: 3),
    .init(diagnostic: "{_ \"Fun\": true, \"Amt\": -2}", encoded: "bf6346756ef563416d7421ff", code: .indefiniteLength, offset: 0),
]

@Suite("RFC 8949 Appendix A examples")
struct RFC8949AppendixATests {
    @Test("Each untagged example decodes to its value", arguments: appendixAUntagged)
    func decodesUntagged(_ vector: AppendixAVector) throws {
        let decoded = try CBORDecoder(requireCanonicalMapOrder: true).decode(hex(vector.encoded))
        #expect(decoded.isIdentical(to: vector.value), "decoded \(decoded)")
    }

    @Test("Each untagged example encodes to its bytes", arguments: appendixAUntagged)
    func encodesUntagged(_ vector: AppendixAVector) {
        #expect(hexString(CBOREncoder.encode(vector.value)) == vector.encoded)
    }

    @Test("Each tagged example decodes when tags are allowed", arguments: appendixATagged)
    func decodesTagged(_ vector: AppendixAVector) throws {
        let decoded = try CBORDecoder(requireCanonicalMapOrder: true, allowTags: true).decode(hex(vector.encoded))
        #expect(decoded.isIdentical(to: vector.value), "decoded \(decoded)")
    }

    @Test("Each tagged example encodes to its bytes", arguments: appendixATagged)
    func encodesTagged(_ vector: AppendixAVector) {
        #expect(hexString(CBOREncoder.encode(vector.value)) == vector.encoded)
    }

    @Test("Each tagged example is rejected with tag-not-allowed by default", arguments: appendixATagged)
    func rejectsTagsByDefault(_ vector: AppendixAVector) throws {
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(hex(vector.encoded)) })
        #expect(error.code == .tagNotAllowed)
        #expect(error.offset == 0)
    }

    @Test("Wider-than-needed floats and indefinite lengths are rejected at their offset", arguments: appendixARejected)
    func rejectsNonPreferred(_ rejection: AppendixARejection) throws {
        let error = try #require(decodingError { () throws(CBORError) in try CBORDecoder().decode(hex(rejection.encoded)) })
        #expect(error.code == rejection.code)
        #expect(error.offset == rejection.offset)
    }
}
