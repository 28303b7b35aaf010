/// A small JSON document builder for what this module prints: the client data, the WebAuthn Level 3
/// response documents and the `--json` forms of device data.
///
/// Members keep the order they are given in, so output is deterministic. Strings are serialized as WebAuthn
/// L3 §5.8.1.2 serializes them for `clientDataJSON` ("serialize a JSON string"), which is also valid RFC
/// 8259 JSON: `"` and `\` are escaped with a backslash, code points below U+0020 as `\u` and four lowercase
/// hex digits, and everything else is written as UTF-8.
indirect enum OutputJSON: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null
    case array([OutputJSON])
    case object([(String, OutputJSON)])

    static func == (lhs: OutputJSON, rhs: OutputJSON) -> Bool {
        lhs.bytes() == rhs.bytes()
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes())
    }

    /// A base64url string member (RFC 4648 §5, no padding).
    static func base64URL(_ bytes: [UInt8]) -> OutputJSON {
        .string(Base64URLText.encode(bytes))
    }

    /// An integer member.
    static func int(_ value: some BinaryInteger) -> OutputJSON {
        .integer(Int64(clamping: value))
    }

    /// The serialized document, UTF-8.
    func bytes() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// The serialized document as text.
    func text() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .string(let value): Self.writeString(value, to: &output)
        case .integer(let value): output += Array(String(value).utf8)
        case .bool(let value): output += Array((value ? "true" : "false").utf8)
        case .null: output += Array("null".utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.0, to: &output)
                output.append(UInt8(ascii: ":"))
                member.1.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    // WebAuthn L3 §5.8.1.2: serialize a JSON string.
    private static func writeString(_ value: String, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22, 0x5C:
                output.append(0x5C)
                output.append(byte)
            case 0x00..<0x20:
                output += [
                    0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                    hex[Int(byte & 0x0F)],
                ]
            default:
                output.append(byte)
            }
        }
        output.append(0x22)
    }
}

/// Base64url without padding (RFC 4648 §5), as WebAuthn's JSON forms use it.
enum Base64URLText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The encoding of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [
                alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)], alphabet[Int((chunk >> 6) & 63)],
                alphabet[Int(chunk & 63)],
            ]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let chunk = UInt32(bytes[index]) << 16
            output += [alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)]]
        } else if rest == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [alphabet[Int(chunk >> 18)], alphabet[Int((chunk >> 12) & 63)], alphabet[Int((chunk >> 6) & 63)]]
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Lowercase hexadecimal text.
enum HexText {
    /// `bytes` as lowercase hex, two digits each.
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A 16-byte AAGUID as 8-4-4-4-12 lowercase hex (RFC 9562 text form); other sizes as plain hex.
    static func uuid(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return encode(bytes) }
        let text = Array(encode(bytes).utf8)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(decoding: text[$0], as: UTF8.self) }
        return parts.joined(separator: "-")
    }
}
