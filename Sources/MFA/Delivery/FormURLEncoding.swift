/// The `application/x-www-form-urlencoded` serializer of the WHATWG URL Standard (§5.2).
///
/// Each name and value is UTF-8 encoded; ASCII letters, digits and `*-._` stay as they are, a space
/// becomes `+`, and every other byte becomes `%XX` with uppercase hex. Pairs are joined with `&` in the
/// order given.
enum FormURLEncoding {
    /// The encoded body for `pairs`, in order.
    static func encode(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            append(pair.name, to: &output)
            output.append(UInt8(ascii: "="))
            append(pair.value, to: &output)
        }
        return output
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func append(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }
}
