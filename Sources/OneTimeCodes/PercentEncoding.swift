/// RFC 3986 percent-encoding over UTF-8.
enum PercentEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// `text` with every byte outside the unreserved set (`A-Z a-z 0-9 - . _ ~`) written as `%XX`; with
    /// `keepingAt`, `@` stays literal too (allowed in a path segment, and how account names are usually shown).
    static func encode(_ text: String, keepingAt: Bool) -> String {
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "@") where keepingAt:
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The text `bytes` percent-decode to; `+` stays a plus sign (RFC 3986 has no form-encoding).
    static func decode(_ bytes: ArraySlice<UInt8>) throws(OneTimeCodeError) -> String {
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw OneTimeCodeError(.invalidURI, "bad percent-encoding") }
                output.append(high << 4 | low)
                index += 3
            } else {
                guard byte > 0x20, byte < 0x7f else {
                    throw OneTimeCodeError(.invalidURI, "the URI has a space or a non-ASCII character")
                }
                output.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw OneTimeCodeError(.invalidURI, "percent-encoded text is not UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
