import CBOR
import Testing

/// A value and its expected encoding, derived by hand from RFC 8949 §3 (heads) and IEEE 754 (floats; the
/// float rows were also checked with Python's `struct.pack('>e'|'>f'|'>d', x)`).
struct EncodingVector: Sendable, CustomTestStringConvertible {
    let value: CBORValue
    let encoded: String
    var testDescription: String { "\(value) = 0x\(encoded)" }
}

/// Each head width on both sides of its boundary (RFC 8949 §4.2.1: the shortest form).
let headBoundaries: [EncodingVector] = [
    .init(value: 23, encoded: "17"),
    .init(value: 24, encoded: "1818"),
    .init(value: 255, encoded: "18ff"),
    .init(value: 256, encoded: "190100"),
    .init(value: 65535, encoded: "19ffff"),
    .init(value: 65536, encoded: "1a00010000"),
    .init(value: .unsigned(4_294_967_295), encoded: "1affffffff"),
    .init(value: .unsigned(4_294_967_296), encoded: "1b0000000100000000"),
    .init(value: -24, encoded: "37"),
    .init(value: -25, encoded: "3818"),
    .init(value: -256, encoded: "38ff"),
    .init(value: -257, encoded: "390100"),
    .init(value: CBORValue(Int.min), encoded: "3b7fffffffffffffff"),
    .init(value: .negative(4_294_967_296), encoded: "3b0000000100000000"),
    .init(value: .bytes(Array(repeating: 0, count: 23)), encoded: "57" + String(repeating: "00", count: 23)),
    .init(value: .bytes(Array(repeating: 0, count: 24)), encoded: "5818" + String(repeating: "00", count: 24)),
    .init(value: .text(String(repeating: "a", count: 256)), encoded: "790100" + String(repeating: "61", count: 256)),
    .init(value: .tagged(24, 0), encoded: "d81800"),
    .init(value: .tagged(256, 0), encoded: "d9010000"),
]

/// Floats in the shortest exact width (RFC 8949 §4.2.1 preferred serialization; NaN payloads kept).
let shortestFloats: [EncodingVector] = [
    .init(value: .float(65505.0), encoded: "fa477fe100"),  // just past the largest half
    .init(value: .float(65520.0), encoded: "fa477ff000"),
    .init(value: .float(0x1p-15), encoded: "f90200"),  // half subnormal
    .init(value: .float(-0x1p-24), encoded: "f98001"),  // smallest half subnormal, negative
    .init(value: .float(0x1p-25), encoded: "fa33000000"),  // below the half range
    .init(value: .float(0x1.8p-24), encoded: "fa33c00000"),  // a bit below the half subnormal step
    .init(value: .float(1e-7), encoded: "fb3e7ad7f29abcaf48"),
    .init(value: .float(Double(Float(1.0 / 3.0))), encoded: "fa3eaaaaab"),
    .init(value: .float(1.0 / 3.0), encoded: "fb3fd5555555555555"),
    .init(value: .float(.greatestFiniteMagnitude), encoded: "fb7fefffffffffffff"),
    .init(value: .float(.leastNonzeroMagnitude), encoded: "fb0000000000000001"),
    .init(value: .float(-.nan), encoded: "f9fe00"),
    .init(value: .float(Double(bitPattern: 0x7ff8_0400_0000_0000)), encoded: "f97e01"),  // payload fits a half
    .init(value: .float(Double(bitPattern: 0x7ff0_0000_2000_0000)), encoded: "fa7f800001"),  // signalling, single
    .init(value: .float(Double(bitPattern: 0x7ff8_0000_0000_0001)), encoded: "fb7ff8000000000001"),
]

@Suite("Canonical encoder")
struct CBOREncoderTests {
    @Test("Heads use the shortest form at every width boundary", arguments: headBoundaries)
    func headBoundary(_ vector: EncodingVector) throws {
        #expect(hexString(CBOREncoder.encode(vector.value)) == vector.encoded)
        let decoded = try CBORDecoder(requireCanonicalMapOrder: true, allowTags: true).decode(hex(vector.encoded))
        #expect(decoded.isIdentical(to: vector.value))
    }

    @Test("Floats take the shortest width that holds them exactly, and decode to the same bits", arguments: shortestFloats)
    func shortestFloat(_ vector: EncodingVector) throws {
        #expect(hexString(CBOREncoder.encode(vector.value)) == vector.encoded)
        let decoded = try CBORDecoder(requireCanonicalMapOrder: true).decode(hex(vector.encoded))
        #expect(decoded.isIdentical(to: vector.value))
    }

    @Test("Map keys are sorted by CTAP2 rules: major type, then encoded length, then bytes")
    func ctap2KeyOrder() {
        // The key set of RFC 7049 §3.9, whose length-first order is 10, -1, false, 100, "z", "aa", [-1], [100].
        // CTAP 2.1 §8 sorts by major type first, so 100 and -1 swap places and false moves to the end.
        let keys: [CBORValue] = [false, "aa", [100], -1, "z", 100, [-1], 10]
        let map = CBORMap(keys.map { ($0, CBORValue(0)) })
        let expected = "a8" + "0a00" + "186400" + "2000" + "617a00" + "62616100" + "812000" + "81186400" + "f400"
        #expect(hexString(CBOREncoder.encode(.map(map))) == expected)
    }

    @Test("A COSE EC2 key is written in the order 1, 3, -1, -2, -3 whatever its entry order")
    func coseKeyOrder() {
        // COSE_Key labels (RFC 9052 §7, RFC 9053 §7.1.1): kty 1 = EC2 (2), alg 3 = ES256 (-7), crv -1 = P-256 (1),
        // x -2, y -3. CTAP2 canonical order puts major type 0 labels (1, 3) before major type 1 (-1, -2, -3).
        let x = [UInt8](repeating: 0x11, count: 32)
        let y = [UInt8](repeating: 0x22, count: 32)
        let key = CBORMap([(-3, .bytes(y)), (-2, .bytes(x)), (-1, 1), (3, -7), (1, 2)])
        let expected = "a5" + "0102" + "0326" + "2001" + "215820" + String(repeating: "11", count: 32) + "225820"
            + String(repeating: "22", count: 32)
        #expect(hexString(CBOREncoder.encode(.map(key))) == expected)
    }

    @Test("Nested maps are sorted too, and array order is kept")
    func nestedMapsSorted() {
        let inner = CBORValue.map(CBORMap([("b", 1), ("a", 2)]))
        let value: CBORValue = [3, 1, inner]
        #expect(hexString(CBOREncoder.encode(value)) == "830301a2616102616201")
    }

    @Test("Simple values 20...23 are written as the one-byte false, true, null and undefined")
    func simpleValuesWithNames() throws {
        #expect(CBOREncoder.encode(.simple(20)) == [0xf4])
        #expect(CBOREncoder.encode(.simple(23)) == [0xf7])
        #expect(CBOREncoder.encode(.simple(19)) == [0xf3])
        #expect(CBOREncoder.encode(.simple(32)) == [0xf8, 0x20])
    }

    @Test("Text is written as its exact UTF-8 bytes, without normalization")
    func textBytesKept() throws {
        let composed = CBORValue.text("\u{e9}")
        let decomposed = CBORValue.text("e\u{301}")
        #expect(CBOREncoder.encode(composed) == hex("62 c3a9"))
        #expect(CBOREncoder.encode(decomposed) == hex("63 65cc81"))
        let map = try CBORDecoder().decode(hex("a2 62c3a9 01 6365cc81 02"))
        #expect(map.mapValue?.count == 2, "keys with different bytes are different keys")
    }
}
