import CBOR

/// libFuzzer entry point for the CBOR decoder and encoder.
///
/// Every input must decode to a value or a ``CBORError`` (a trap is a crash), and every accepted input must
/// keep these invariants, whose violation is reported through `fatalError`, the fuzzer's crash signal:
/// - `decodePrefix` agrees with `decode`: the same value over the whole input, or, where `decode` reports
///   trailing bytes, a prefix exactly as long as the offset it names; any other error is the same error;
/// - error offsets lie within the input;
/// - `decode(encode(v))` succeeds under canonical order and equals `v` with its maps in CTAP2 order
///   (floats compared by bits, text by UTF-8 bytes), and encoding that again gives the same bytes;
/// - an input accepted under `requireCanonicalMapOrder` is reproduced byte for byte by `encode`;
/// - the default decoder (tags forbidden) accepts only what the tag-allowing decoder accepts, identically.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    let lenient = CBORDecoder(allowTags: true)
    let canonical = CBORDecoder(requireCanonicalMapOrder: true, allowTags: true)

    /// Whether `decoded` is `original` with every map's entries in CTAP 2.1 §8 order (major type, encoded
    /// length, bytes), sorted here apart from the encoder's own sort. Floats compare by bits, text by bytes.
    func isSortedCopy(_ decoded: CBORValue, of original: CBORValue) -> Bool {
        switch (decoded, original) {
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { isSortedCopy($0, of: $1) }
        case (.tagged(let tagA, let a), .tagged(let tagB, let b)):
            return tagA == tagB && isSortedCopy(a, of: b)
        case (.map(let a), .map(let b)):
            let sorted = b.entries.map { (encodedKey: CBOREncoder.encode($0.key), entry: $0) }.sorted { x, y in
                let (k, l) = (x.encodedKey, y.encodedKey)
                if k[0] >> 5 != l[0] >> 5 { return k[0] >> 5 < l[0] >> 5 }
                if k.count != l.count { return k.count < l.count }
                return k.lexicographicallyPrecedes(l)
            }
            return a.count == b.count
                && zip(a.entries, sorted).allSatisfy {
                    isSortedCopy($0.key, of: $1.entry.key) && isSortedCopy($0.value, of: $1.entry.value)
                }
        default:
            return decoded.isIdentical(to: original)
        }
    }

    let whole = Result { () throws(CBORError) in try lenient.decode(input) }
    let prefix = Result { () throws(CBORError) in try lenient.decodePrefix(input[...]) }
    switch (whole, prefix) {
    case (.success(let value), .success(let (prefixValue, length))):
        guard length == n, prefixValue.isIdentical(to: value) else { fatalError("decodePrefix disagrees with decode") }
        let encoded = CBOREncoder.encode(value)
        let again: CBORValue
        do {
            again = try canonical.decode(encoded)
        } catch {
            fatalError("the canonical decoder rejects the encoder's output: \(error)")
        }
        guard CBOREncoder.encode(again) == encoded else { fatalError("re-encoding is not stable") }
        guard isSortedCopy(again, of: value) else { fatalError("decode(encode(v)) != v") }
        if let strictValue = try? canonical.decode(input) {
            guard encoded == input else { fatalError("canonical input not reproduced by encode") }
            guard strictValue.isIdentical(to: value) else { fatalError("canonical and lenient decoding differ") }
        }
        if let untagged = try? CBORDecoder().decode(input), !untagged.isIdentical(to: value) {
            fatalError("the default decoder and the tag-allowing decoder differ")
        }
    case (.failure(let error), .success(let (_, length))):
        guard error.code == .trailingBytes, error.offset == length, length < n else {
            fatalError("decodePrefix accepted what decode rejects with \(error)")
        }
    case (.failure(let error), .failure(let prefixError)):
        guard error.code == prefixError.code, error.offset == prefixError.offset, (0...n).contains(error.offset) else {
            fatalError("decode and decodePrefix report different errors: \(error) / \(prefixError)")
        }
        if (try? canonical.decode(input)) != nil || (try? CBORDecoder().decode(input)) != nil {
            fatalError("a stricter decoder accepts what the lenient one rejects")
        }
    case (.success, .failure(let prefixError)):
        fatalError("decode accepts what decodePrefix rejects with \(prefixError)")
    }
    return 0
}
