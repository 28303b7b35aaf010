/// Base32 with the RFC 4648 §6 alphabet (`A`–`Z`, `2`–`7`), as the Key URI format's `secret` uses it.
///
/// Encoding writes upper case, with or without `=` padding. Decoding is tolerant in the ways authenticator
/// apps display and users retype secrets: it accepts lower case, ignores spaces, tabs and hyphens, and
/// accepts missing padding. It rejects every other character, padding anywhere but at the end, and a length
/// that no byte string encodes to (1, 3 or 6 characters past a multiple of 8). Bits left over in the last
/// character are ignored, as authenticator apps do.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The Base32 text of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The data.
    ///   - padding: Whether to pad with `=` to a multiple of 8 characters (the Key URI format leaves it off).
    /// - Returns: Upper-case Base32 text.
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt64 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt64(bits)) & 31)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt64(5 - bits)) & 31)])
        }
        if padding {
            while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes that `text` encodes.
    ///
    /// - Parameter text: Base32 text; case, spaces, tabs, hyphens and padding are forgiven.
    /// - Returns: The decoded bytes.
    /// - Throws: ``OneTimeCodeError/Code/invalidBase32`` for a character outside the alphabet, misplaced
    ///   padding, or an impossible length.
    public static func decode(_ text: String) throws(OneTimeCodeError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt64 = 0
        var bits = 0
        var symbols = 0
        var padding = 0
        for (offset, character) in text.utf8.enumerated() {
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "="):
                padding += 1
                continue
            default:
                break
            }
            guard padding == 0 else {
                throw OneTimeCodeError(.invalidBase32, "Base32 data continues after '=' padding (offset \(offset))")
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = character - UInt8(ascii: "2") + 26
            default:
                throw OneTimeCodeError(.invalidBase32, "character at offset \(offset) is not in the Base32 alphabet")
            }
            buffer = (buffer << 5) | UInt64(value)
            bits += 5
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt64(bits)))
            }
        }
        // 8 symbols carry 5 bytes; a final group of 2, 4, 5 or 7 symbols carries 1, 2, 3 or 4 bytes.
        let remainder = symbols % 8
        guard [0, 2, 4, 5, 7].contains(remainder) else {
            throw OneTimeCodeError(.invalidBase32, "\(symbols) Base32 characters do not encode a whole number of bytes")
        }
        if padding > 0 {
            guard (symbols + padding) % 8 == 0, padding < 8 else {
                throw OneTimeCodeError(.invalidBase32, "wrong amount of '=' padding")
            }
        }
        return output
    }
}
