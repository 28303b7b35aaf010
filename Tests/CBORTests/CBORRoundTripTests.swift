import CBOR
import Testing

/// Random values and random bytes from a fixed seed, so every run checks the same cases.
private struct ValueGenerator {
    var random: SplitMix64

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func unsignedArgument() -> UInt64 {
        // Spread over every head width, boundaries included.
        switch int(0...5) {
        case 0: return UInt64(int(0...30))
        case 1: return UInt64(int(0...300))
        case 2: return UInt64(int(60_000...70_000))
        case 3: return UInt64(UInt32.max) - UInt64(int(0...2)) + UInt64(int(0...2))
        case 4: return UInt64.max - UInt64(int(0...3))
        default: return random.next()
        }
    }

    mutating func text() -> String {
        let pieces = ["a", "z", "IETF", "\u{fc}", "\u{6c34}", "\u{10151}", "\"", "e\u{301}", ""]
        return (0..<int(0...4)).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
    }

    mutating func float() -> Double {
        switch int(0...4) {
        case 0: return Double(int(-70_000...70_000)) / Double(1 << int(0...30))
        case 1: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: random.next())))
        case 2: return Double(bitPattern: random.next())
        case 3: return [0.0, -0.0, .infinity, -.infinity, .nan, 65504, 0x1p-24, 0x1p-14][int(0...7)]
        default: return Double(bitPattern: 0x7ff0_0000_0000_0000 | random.next() >> 12 | 1)  // some NaN
        }
    }

    mutating func scalar(forKey: Bool = false) -> CBORValue {
        switch int(0...(forKey ? 5 : 10)) {
        case 0: return .unsigned(unsignedArgument())
        case 1: return .negative(unsignedArgument())
        case 2: return .bytes((0..<int(0...30)).map { _ in UInt8(int(0...255)) })
        case 3: return .text(text())
        case 4: return .bool(int(0...1) == 1)
        case 5: return .simple(int(0...1) == 0 ? UInt8(int(0...19)) : UInt8(int(32...255)))
        case 6: return .null
        case 7: return .undefined
        default: return .float(float())
        }
    }

    mutating func value(depth: Int) -> CBORValue {
        guard depth > 0 else { return scalar() }
        switch int(0...6) {
        case 0: return .array((0..<int(0...4)).map { _ in value(depth: depth - 1) })
        case 1:
            let entries = (0..<int(0...5)).map { _ in
                (int(0...4) == 0 ? CBORValue.array([scalar(forKey: true)]) : scalar(forKey: true), value(depth: depth - 1))
            }
            return .map(CBORMap(entries))
        case 2: return .tagged(unsignedArgument(), value(depth: depth - 1))
        default: return scalar()
        }
    }

    /// Bytes that are mostly CBOR heads and small arguments, so random inputs reach deep into the decoder.
    mutating func bytes() -> [UInt8] {
        let interesting: [UInt8] = [
            0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x38, 0x40, 0x41, 0x58, 0x5f, 0x60, 0x61,
            0x62, 0x78, 0x7f, 0x80, 0x81, 0x82, 0x98, 0x9f, 0xa0, 0xa1, 0xa2, 0xb8, 0xbf, 0xc0, 0xc1, 0xd8, 0xe0,
            0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xff, 0xc3, 0x80, 0xed, 0xf0,
        ]
        return (0..<int(0...24)).map { _ in
            int(0...3) == 0 ? UInt8(int(0...255)) : interesting[int(0...(interesting.count - 1))]
        }
    }
}

@Suite("Round trips and robustness")
struct CBORRoundTripTests {
    private let lenient = CBORDecoder(allowTags: true)
    private let canonical = CBORDecoder(requireCanonicalMapOrder: true, allowTags: true)

    @Test("Random values encode canonically and decode back to the same value with sorted maps")
    func randomValuesRoundTrip() {
        var generator = ValueGenerator(random: SplitMix64(seed: 0xC0DE_CB02))
        for _ in 0..<2_000 {
            let value = generator.value(depth: 4)
            checkRoundTrip(input: [], value: value, inputIsCanonical: false)
        }
    }

    @Test("Canonical input re-encodes to exactly the same bytes")
    func canonicalInputIsReproduced() throws {
        var generator = ValueGenerator(random: SplitMix64(seed: 7))
        for _ in 0..<1_000 {
            let encoded = CBOREncoder.encode(generator.value(depth: 3))
            let value = try canonical.decode(encoded)
            #expect(CBOREncoder.encode(value) == encoded)
        }
    }

    @Test("Out-of-order maps decode as given and re-encode sorted")
    func nonCanonicalInputIsSorted() throws {
        let input = hex("a3 6161 01 20 02 0a 03")  // {"a": 1, -1: 2, 10: 3}
        let value = try lenient.decode(input)
        #expect(value.mapValue?.entries.map(\.key) == ["a", -1, 10])
        #expect(hexString(CBOREncoder.encode(value)) == "a30a032002616101")
        checkRoundTrip(input: input, value: value, inputIsCanonical: false)
    }

    @Test("Keys that Swift's == equates but CBOR does not (0.0 and -0.0, NFC and NFD text) survive a round trip")
    func swiftEqualKeysRoundTrip() throws {
        for encoded in ["a2 f90000 01 f98000 02", "a2 62c3a9 01 6365cc81 02", "a2 6365cc81 02 62c3a9 01"] {
            let input = hex(encoded)
            let value = try lenient.decode(input)
            #expect(value.mapValue?.count == 2)
            let inputIsCanonical = (try? canonical.decode(input)) != nil
            #expect(inputIsCanonical == (encoded != "a2 6365cc81 02 62c3a9 01"))
            checkRoundTrip(input: input, value: value, inputIsCanonical: inputIsCanonical)
        }
    }

    @Test("Random bytes decode to a value or a typed error, and accepted ones keep every invariant")
    func randomBytesNeverTrap() {
        var generator = ValueGenerator(random: SplitMix64(seed: 2024))
        var accepted = 0
        for _ in 0..<30_000 {
            let input = generator.bytes()
            accepted += check(input) ? 1 : 0
        }
        #expect(accepted > 500, "the generator should produce some valid items")
    }

    @Test("Mutated valid encodings decode to a value or a typed error, never a trap")
    func mutatedEncodingsNeverTrap() {
        var generator = ValueGenerator(random: SplitMix64(seed: 99))
        for _ in 0..<3_000 {
            var bytes = CBOREncoder.encode(generator.value(depth: 3))
            for _ in 0..<generator.int(1...3) where !bytes.isEmpty {
                let i = generator.int(0...(bytes.count - 1))
                switch generator.int(0...2) {
                case 0: bytes[i] = UInt8(generator.int(0...255))
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8(generator.int(0...255)), at: i)
                }
            }
            _ = check(bytes)
        }
    }

    /// Decodes `input` every way; returns whether the lenient decoder accepted it.
    private func check(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let whole = Result { () throws(CBORError) in try lenient.decode(input) }
        let prefix = Result { () throws(CBORError) in try lenient.decodePrefix(input[...]) }
        _ = Result { () throws(CBORError) in try CBORDecoder().decode(input) }
        switch (whole, prefix) {
        case (.success(let value), .success(let (prefixValue, length))):
            #expect(length == input.count, sourceLocation: sourceLocation)
            #expect(prefixValue.isIdentical(to: value), sourceLocation: sourceLocation)
            let strict = Result { () throws(CBORError) in try canonical.decode(input) }
            checkRoundTrip(input: input, value: value, inputIsCanonical: (try? strict.get()) != nil, sourceLocation: sourceLocation)
            return true
        case (.failure(let error), .success(let (_, length))):
            // Only trailing bytes separate a good prefix from a rejected whole.
            #expect(error.code == .trailingBytes && error.offset == length && length < input.count, sourceLocation: sourceLocation)
        case (.failure(let error), .failure(let prefixError)):
            #expect(error.code == prefixError.code && error.offset == prefixError.offset, sourceLocation: sourceLocation)
            #expect((0...input.count).contains(error.offset), sourceLocation: sourceLocation)
        case (.success, .failure(let prefixError)):
            Issue.record("whole input accepted but prefix rejected: \(prefixError)", sourceLocation: sourceLocation)
        }
        return false
    }
}
