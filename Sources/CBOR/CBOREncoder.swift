/// The CTAP2 canonical CBOR encoder.
///
/// The output follows the CTAP2 canonical CBOR encoding form (CTAP 2.1 §8), which is RFC 8949 §4.2
/// core deterministic encoding with CTAP2's map key order:
/// - integers, lengths and tags in their shortest form;
/// - definite lengths only;
/// - map entries sorted by their encoded keys: lower major type first, then shorter, then bytewise;
/// - floats in the shortest of half, single and double precision that holds the value exactly
///   (NaN payloads and the sign of zero are kept).
///
/// Whatever ``CBORDecoder`` accepts, this encoder writes back byte for byte when the input was already
/// canonical, and ``CBORDecoder`` with ``CBORDecoder/requireCanonicalMapOrder`` accepts everything it writes
/// (see the warning for the exceptions, which the decoder never produces).
public enum CBOREncoder {
    /// Encodes `value` in CTAP2 canonical form.
    ///
    /// - Warning: A few values have no well-formed or unambiguous encoding. `.simple(20...23)` are written as
    ///   the one-byte `false`, `true`, `null` and `undefined` they stand for, so they decode as those.
    ///   `.simple(24...31)` are written as `0xf8 n`, which RFC 8949 §3.3 makes not well-formed. Two map
    ///   keys that are distinct values but encode to the same bytes (two `NaN` keys with one bit pattern,
    ///   or two maps with the same entries in different orders) are both written, and a strict decoder
    ///   rejects the result as a duplicate key. The decoder produces none of these.
    /// - Parameter value: The value to encode.
    /// - Returns: The encoded bytes.
    public static func encode(_ value: CBORValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(value, to: &output)
        return output
    }

    // MARK: - Writing

    static func append(_ value: CBORValue, to output: inout [UInt8]) {
        switch value {
        case .unsigned(let n):
            appendHead(major: 0, argument: n, to: &output)
        case .negative(let n):
            appendHead(major: 1, argument: n, to: &output)
        case .bytes(let bytes):
            appendHead(major: 2, argument: UInt64(bytes.count), to: &output)
            output.append(contentsOf: bytes)
        case .text(let text):
            var text = text
            text.withUTF8 { utf8 in
                appendHead(major: 3, argument: UInt64(utf8.count), to: &output)
                output.append(contentsOf: utf8)
            }
        case .array(let elements):
            appendHead(major: 4, argument: UInt64(elements.count), to: &output)
            for element in elements { append(element, to: &output) }
        case .map(let map):
            appendMap(map, to: &output)
        case .tagged(let tag, let content):
            appendHead(major: 6, argument: tag, to: &output)
            append(content, to: &output)
        case .bool(let b):
            output.append(b ? 0xf5 : 0xf4)
        case .null:
            output.append(0xf6)
        case .undefined:
            output.append(0xf7)
        case .simple(let n):
            if n < 24 {
                output.append(0xe0 | n)
            } else {
                output.append(0xf8)
                output.append(n)
            }
        case .float(let d):
            switch CBORFloatingPoint.shortest(d) {
            case .half(let bits):
                output.append(0xf9)
                appendBigEndian(UInt64(bits), byteCount: 2, to: &output)
            case .single(let bits):
                output.append(0xfa)
                appendBigEndian(UInt64(bits), byteCount: 4, to: &output)
            case .double(let bits):
                output.append(0xfb)
                appendBigEndian(bits, byteCount: 8, to: &output)
            }
        }
    }

    /// Writes a map with its entries in CTAP2 key order. Keys are encoded once into a scratch buffer,
    /// sorted there (skipped when they already are in order), then copied out with their values.
    private static func appendMap(_ map: CBORMap, to output: inout [UInt8]) {
        let entries = map.entries
        appendHead(major: 5, argument: UInt64(entries.count), to: &output)
        if entries.count < 2 {
            for entry in entries {
                append(entry.key, to: &output)
                append(entry.value, to: &output)
            }
            return
        }
        var keyBytes: [UInt8] = []
        var keyRanges: [Range<Int>] = []
        keyRanges.reserveCapacity(entries.count)
        for entry in entries {
            let start = keyBytes.count
            append(entry.key, to: &keyBytes)
            keyRanges.append(start..<keyBytes.count)
        }
        var order = Array(entries.indices)
        keyBytes.withUnsafeBufferPointer { buffer in
            func key(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[keyRanges[i]]) }
            let sorted = zip(order, order.dropFirst()).allSatisfy { CTAP2KeyOrder.compare(key($0), key($1)) <= 0 }
            if !sorted {
                order.sort { CTAP2KeyOrder.compare(key($0), key($1)) < 0 }
            }
        }
        for i in order {
            output.append(contentsOf: keyBytes[keyRanges[i]])
            append(entries[i].value, to: &output)
        }
    }

    /// Writes an initial byte and its argument in the shortest form (RFC 8949 §3 and §4.2.1).
    static func appendHead(major: UInt8, argument: UInt64, to output: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24:
            output.append(type | UInt8(truncatingIfNeeded: argument))
        case 24...0xff:
            output.append(type | 24)
            output.append(UInt8(truncatingIfNeeded: argument))
        case 0x100...0xffff:
            output.append(type | 25)
            appendBigEndian(argument, byteCount: 2, to: &output)
        case 0x1_0000...0xffff_ffff:
            output.append(type | 26)
            appendBigEndian(argument, byteCount: 4, to: &output)
        default:
            output.append(type | 27)
            appendBigEndian(argument, byteCount: 8, to: &output)
        }
    }

    private static func appendBigEndian(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        var shift = (byteCount - 1) * 8
        while shift >= 0 {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            shift -= 8
        }
    }
}
