import CBOR
import Testing

/// A hand-derived malformed input (RFC 8949 §3 head layout) and the error the strict decoder must raise.
struct Rejection: Sendable, CustomTestStringConvertible {
    let name: String
    let encoded: String
    let code: CBORError.Code
    let offset: Int
    var decoder = CBORDecoder()
    var testDescription: String { "\(name): 0x\(encoded) -> \(code)@\(offset)" }
}

let rejections: [Rejection] = [
    // truncated: the input ends inside an item, or a length exceeds what remains.
    .init(name: "empty input", encoded: "", code: .truncated, offset: 0),
    .init(name: "1-byte argument missing", encoded: "18", code: .truncated, offset: 0),
    .init(name: "2-byte argument cut short", encoded: "1901", code: .truncated, offset: 0),
    .init(name: "8-byte argument cut short", encoded: "1b00000000010000", code: .truncated, offset: 0),
    .init(name: "byte string shorter than its length", encoded: "43 0102", code: .truncated, offset: 0),
    .init(name: "text string shorter than its length", encoded: "82 01 63 6161", code: .truncated, offset: 2),
    .init(name: "array missing its last element", encoded: "82 01 41", code: .truncated, offset: 2),
    .init(name: "array announcing more elements than bytes", encoded: "83 01 02", code: .truncated, offset: 0),
    .init(name: "map missing a value", encoded: "a1 01", code: .truncated, offset: 0),
    .init(name: "map missing a value after the key", encoded: "a1 02 41", code: .truncated, offset: 2),
    .init(name: "byte string of length 2^64-1", encoded: "5b ffffffffffffffff 00", code: .truncated, offset: 0),
    .init(name: "text string of length 2^32", encoded: "7b 0000000100000000", code: .truncated, offset: 0),
    .init(name: "array of 2^64-1 elements", encoded: "9b ffffffffffffffff 00", code: .truncated, offset: 0),
    .init(name: "map of 2^64-1 entries (entry count overflows)", encoded: "bb ffffffffffffffff", code: .truncated, offset: 0),
    .init(name: "half float cut short", encoded: "f9 3c", code: .truncated, offset: 0),
    // trailing-bytes
    .init(name: "a byte after an integer", encoded: "01 00", code: .trailingBytes, offset: 1),
    .init(name: "a second array after an array", encoded: "82 01 02 80", code: .trailingBytes, offset: 3),
    // indefinite-length
    .init(name: "indefinite byte string", encoded: "5f 41 00 ff", code: .indefiniteLength, offset: 0),
    .init(name: "indefinite text string", encoded: "7f ff", code: .indefiniteLength, offset: 0),
    .init(name: "indefinite array nested", encoded: "81 9f ff", code: .indefiniteLength, offset: 1),
    .init(name: "indefinite map", encoded: "bf ff", code: .indefiniteLength, offset: 0),
    .init(name: "lone break", encoded: "ff", code: .indefiniteLength, offset: 0),
    .init(name: "break inside a definite array", encoded: "82 01 ff", code: .indefiniteLength, offset: 2),
    // duplicate-map-key
    .init(name: "adjacent equal integer keys", encoded: "a2 01 00 01 01", code: .duplicateMapKey, offset: 3),
    .init(name: "equal text keys", encoded: "a2 6161 00 6161 01", code: .duplicateMapKey, offset: 4),
    .init(name: "repeat after an out-of-order key", encoded: "a3 01 00 00 00 01 01", code: .duplicateMapKey, offset: 5),
    .init(name: "first repeat reported among several", encoded: "a4 03 00 02 00 03 01 02 01", code: .duplicateMapKey, offset: 5),
    .init(
        name: "map keys equal up to entry order", encoded: "a2 a2 01 00 02 00 00 a2 02 00 01 00 01",
        code: .duplicateMapKey, offset: 7),
    .init(
        name: "equal keys under canonical order", encoded: "a2 01 00 01 01", code: .duplicateMapKey, offset: 3,
        decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    // non-minimal-encoding: each head one size larger than needed, at every width boundary.
    .init(name: "23 in a 1-byte argument", encoded: "18 17", code: .nonMinimalEncoding, offset: 0),
    .init(name: "255 in a 2-byte argument", encoded: "19 00ff", code: .nonMinimalEncoding, offset: 0),
    .init(name: "65535 in a 4-byte argument", encoded: "1a 0000ffff", code: .nonMinimalEncoding, offset: 0),
    .init(name: "2^32-1 in an 8-byte argument", encoded: "1b 00000000ffffffff", code: .nonMinimalEncoding, offset: 0),
    .init(name: "-1 in a 1-byte argument", encoded: "38 00", code: .nonMinimalEncoding, offset: 0),
    .init(name: "byte string length 1 in a 1-byte argument", encoded: "58 01 00", code: .nonMinimalEncoding, offset: 0),
    .init(name: "text length 0 in a 2-byte argument", encoded: "79 0000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "array length 0 in a 1-byte argument", encoded: "98 00", code: .nonMinimalEncoding, offset: 0),
    .init(name: "map length 1 in a 4-byte argument", encoded: "ba 00000001 01 02", code: .nonMinimalEncoding, offset: 0),
    .init(name: "nested non-minimal integer", encoded: "82 01 18 05", code: .nonMinimalEncoding, offset: 2),
    .init(
        name: "tag 1 in a 1-byte argument", encoded: "d8 01 00", code: .nonMinimalEncoding, offset: 0,
        decoder: CBORDecoder(allowTags: true)),
    .init(name: "1.0 as a single", encoded: "fa 3f800000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "1.5 as a double", encoded: "fb 3ff8000000000000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "100000.0 as a double", encoded: "fb 40f86a0000000000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "smallest half subnormal as a single", encoded: "fa 33800000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "-0.0 as a double", encoded: "fb 8000000000000000", code: .nonMinimalEncoding, offset: 0),
    .init(name: "NaN with a half-sized payload as a single", encoded: "fa 7fc02000", code: .nonMinimalEncoding, offset: 0),
    // non-canonical-map-order (CTAP2 §8 rules), only when required.
    .init(
        name: "integer keys descending", encoded: "a2 02 00 01 00", code: .nonCanonicalMapOrder, offset: 3,
        decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    .init(
        name: "major type 1 key before major type 0 key (-1 before 24)", encoded: "a2 20 00 1818 00",
        code: .nonCanonicalMapOrder, offset: 3, decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    .init(
        name: "longer text key first (\"aa\" before \"b\")", encoded: "a2 626161 00 6162 00",
        code: .nonCanonicalMapOrder, offset: 5, decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    .init(
        name: "same length, bytewise larger first (\"b\" before \"a\")", encoded: "a2 6162 00 6161 00",
        code: .nonCanonicalMapOrder, offset: 4, decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    .init(
        name: "text key before byte-string key", encoded: "a2 6161 00 4161 00", code: .nonCanonicalMapOrder, offset: 4,
        decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    .init(
        name: "nested map out of order", encoded: "a1 01 a2 03 00 02 00", code: .nonCanonicalMapOrder, offset: 5,
        decoder: CBORDecoder(requireCanonicalMapOrder: true)),
    // invalid-utf8
    .init(name: "lone continuation byte", encoded: "61 80", code: .invalidUTF8, offset: 0),
    .init(name: "truncated 2-byte sequence", encoded: "62 c328", code: .invalidUTF8, offset: 0),
    .init(name: "overlong encoding of NUL", encoded: "62 c080", code: .invalidUTF8, offset: 0),
    .init(name: "UTF-16 surrogate U+D800", encoded: "63 eda080", code: .invalidUTF8, offset: 0),
    .init(name: "code point above U+10FFFF", encoded: "64 f4908080", code: .invalidUTF8, offset: 0),
    .init(name: "byte 0xff", encoded: "61 ff", code: .invalidUTF8, offset: 0),
    .init(name: "invalid text as a map key", encoded: "a2 01 00 61 fe 00", code: .invalidUTF8, offset: 3),
    // reserved-additional-info
    .init(name: "additional information 28", encoded: "1c", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 29 on a negative", encoded: "3d", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 30 on a byte string", encoded: "5e", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 28 on a map", encoded: "bc", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 29 in major type 7", encoded: "fd", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 31 on an unsigned integer", encoded: "1f", code: .reservedAdditionalInfo, offset: 0),
    .init(name: "additional information 31 on a negative integer", encoded: "3f", code: .reservedAdditionalInfo, offset: 0),
    .init(
        name: "additional information 31 on a tag", encoded: "df", code: .reservedAdditionalInfo, offset: 0,
        decoder: CBORDecoder(allowTags: true)),
    .init(name: "reserved byte nested", encoded: "82 00 7c", code: .reservedAdditionalInfo, offset: 2),
    // tag-not-allowed
    .init(name: "tag 1 at the top", encoded: "c1 00", code: .tagNotAllowed, offset: 0),
    .init(name: "tag inside an array", encoded: "82 00 d818 40", code: .tagNotAllowed, offset: 2),
    // invalid-simple-value (RFC 8949 §3.3)
    .init(name: "two-byte simple 0", encoded: "f8 00", code: .invalidSimpleValue, offset: 0),
    .init(name: "two-byte false (simple 20)", encoded: "f8 14", code: .invalidSimpleValue, offset: 0),
    .init(name: "two-byte simple 31", encoded: "f8 1f", code: .invalidSimpleValue, offset: 0),
]

@Suite("Strict decoder rejections")
struct CBORDecoderRejectionTests {
    @Test("Each malformed or non-canonical input is rejected with its code and offset", arguments: rejections)
    func rejects(_ rejection: Rejection) throws {
        let error = try #require(
            decodingError { () throws(CBORError) in try rejection.decoder.decode(hex(rejection.encoded)) })
        #expect(error.code == rejection.code, "\(error)")
        #expect(error.offset == rejection.offset, "\(error)")
    }

    @Test("Out-of-order keys are accepted when canonical order is not required")
    func acceptsOutOfOrderKeysByDefault() throws {
        // The same bytes as the non-canonical-map-order rows: -1 before 24, "aa" before "b", 2 before 1.
        for encoded in ["a2 20 00 1818 00", "a2 626161 00 6162 00", "a2 02 00 01 00", "a1 01 a2 03 00 02 00"] {
            let value = try CBORDecoder().decode(hex(encoded))
            #expect(value.mapValue?.count ?? 0 >= 1)
        }
        let map = try #require(try CBORDecoder().decode(hex("a2 02 61 62 01 61 61")).mapValue)
        #expect(map.entries.map(\.key) == [2, 1], "entries keep their input order")
        #expect(map[int: 1] == "a")
    }

    @Test("Two-byte simple values from 32 up and one-byte 0...19 decode as simple values")
    func decodesSimpleValues() throws {
        #expect(try CBORDecoder().decode(hex("f8 20")) == .simple(32))
        #expect(try CBORDecoder().decode(hex("e0")) == .simple(0))
        #expect(try CBORDecoder().decode(hex("f3")) == .simple(19))
    }

    @Test("Zero and negative zero are distinct map keys, compared by their encodings")
    func zeroAndNegativeZeroAreDistinctKeys() throws {
        let value = try CBORDecoder(requireCanonicalMapOrder: true).decode(hex("a2 f90000 01 f98000 02"))
        #expect(value.mapValue?.count == 2)
    }

    @Test("Every error code has its own stable string")
    func codesAreDistinct() {
        let raw = CBORError.Code.allCodes.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(
            raw.sorted() == [
                "depth-limit-exceeded", "duplicate-map-key", "indefinite-length", "invalid-simple-value", "invalid-utf8",
                "item-limit-exceeded", "non-canonical-map-order", "non-minimal-encoding", "reserved-additional-info",
                "size-limit-exceeded", "tag-not-allowed", "trailing-bytes", "truncated",
            ])
    }
}
