import CBOR
import Testing

/// Bytes from a hex string; spaces are ignored. Test data only: a malformed string yields a short result,
/// which the test comparing it then reports.
func hex(_ string: String) -> [UInt8] {
    let digits = string.compactMap { $0.hexDigitValue }
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
}

/// Lower-case hex of `bytes`, for readable failure messages.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// The error `body` throws, or nil when it returns.
func decodingError(_ body: () throws(CBORError) -> CBORValue) -> CBORError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A small deterministic generator (SplitMix64), so property tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// `value` with every map's entries sorted by the CTAP2 rules (CTAP 2.1 §8: lower major type first, then
/// shorter encoded key, then bytewise), written here independently of the encoder's own sort.
func ctap2Sorted(_ value: CBORValue) -> CBORValue {
    switch value {
    case .array(let elements):
        return .array(elements.map(ctap2Sorted))
    case .tagged(let tag, let content):
        return .tagged(tag, ctap2Sorted(content))
    case .map(let map):
        let entries = map.entries.map { (key: ctap2Sorted($0.key), value: ctap2Sorted($0.value)) }
        let sorted = entries.sorted { a, b in
            let x = CBOREncoder.encode(a.key)
            let y = CBOREncoder.encode(b.key)
            if x[0] >> 5 != y[0] >> 5 { return x[0] >> 5 < y[0] >> 5 }
            if x.count != y.count { return x.count < y.count }
            return x.lexicographicallyPrecedes(y)
        }
        return .map(CBORMap(uncheckedEntries: sorted))
    default:
        return value
    }
}

/// The invariants that hold for every value the decoder accepts (also checked by Fuzz/Sources/FuzzCBOR):
/// the encoding decodes under canonical order to the same value with sorted maps, and encodes again to the
/// same bytes; when the input itself was accepted under canonical order, the encoding is the input.
func checkRoundTrip(input: [UInt8], value: CBORValue, inputIsCanonical: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    let encoded = CBOREncoder.encode(value)
    let strict = CBORDecoder(limits: CBORDecodingLimits(maxDepth: 64, maxItems: 1 << 20, maxBytes: 1 << 24),
                             requireCanonicalMapOrder: true, allowTags: true)
    do {
        let again = try strict.decode(encoded)
        #expect(again.isIdentical(to: ctap2Sorted(value)), "re-decoded value differs", sourceLocation: sourceLocation)
        #expect(CBOREncoder.encode(again) == encoded, "encoding is not stable", sourceLocation: sourceLocation)
    } catch {
        Issue.record("encoder output rejected: \(error)", sourceLocation: sourceLocation)
    }
    if inputIsCanonical {
        #expect(encoded == input, "canonical input \(hexString(input)) re-encoded as \(hexString(encoded))",
                sourceLocation: sourceLocation)
    }
}
