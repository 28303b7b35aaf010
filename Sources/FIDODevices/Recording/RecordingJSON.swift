/// The JSON of recording files: a strict RFC 8259 parser for untrusted input and a deterministic, diff-friendly
/// writer.
///
/// The parser accepts exactly one JSON value spanning the whole input (whitespace around it allowed), valid
/// UTF-8 only, no duplicate member names, no lone surrogates, nesting at most ``maximumDepth`` deep and at most
/// ``maximumSize`` bytes. Numbers keep their text (recordings only hold integers, and comparing expected
/// outputs by text is exact). Every failure is a ``FIDOError`` with ``FIDOError/Code/recordingInvalid`` (or
/// ``FIDOError/Code/recordingTooLarge``) and the byte offset.
indirect enum RecordingJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its JSON text (already checked against the RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([RecordingJSON])
    /// Members in document order; names are unique.
    case object([(name: String, value: RecordingJSON)])

    /// The largest document the parser reads.
    static let maximumSize = 8 << 20
    /// The deepest nesting the parser accepts.
    static let maximumDepth = 32

    static func == (lhs: RecordingJSON, rhs: RecordingJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let text): hasher.combine(text)
        case .string(let text): hasher.combine(text)
        case .array(let elements): hasher.combine(elements)
        case .object(let members):
            for member in members {
                hasher.combine(member.name)
                hasher.combine(member.value)
            }
        }
    }

    /// An integer member value.
    static func integer(_ value: some BinaryInteger) -> RecordingJSON { .number(String(value)) }

    /// The value of member `name` of an object, or nil.
    subscript(name: String) -> RecordingJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The first path (`response.signature`, `steps[2]`) at which `self` and `other` differ, or nil when they
    /// are equal. Object members are compared by name, whatever their order.
    func firstDifference(from other: RecordingJSON, path: String = "") -> String? {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            for member in a {
                let childPath = path.isEmpty ? member.name : "\(path).\(member.name)"
                guard let counterpart = b.first(where: { $0.name == member.name }) else { return childPath }
                if let difference = member.value.firstDifference(from: counterpart.value, path: childPath) {
                    return difference
                }
            }
            for member in b where !a.contains(where: { $0.name == member.name }) {
                return path.isEmpty ? member.name : "\(path).\(member.name)"
            }
            return nil
        case (.array(let a), .array(let b)):
            for (index, pair) in zip(a, b).enumerated() {
                if let difference = pair.0.firstDifference(from: pair.1, path: "\(path)[\(index)]") {
                    return difference
                }
            }
            return a.count == b.count ? nil : "\(path)[\(min(a.count, b.count))]"
        default:
            return self == other ? nil : (path.isEmpty ? "(the whole document)" : path)
        }
    }
}

// MARK: - Parsing

extension RecordingJSON {
    /// Parses one JSON document.
    ///
    /// - Parameter bytes: UTF-8 JSON text, at most ``maximumSize`` bytes.
    /// - Returns: The value.
    /// - Throws: ``FIDOError/Code/recordingTooLarge`` or ``FIDOError/Code/recordingInvalid``.
    static func parse(_ bytes: [UInt8]) throws(FIDOError) -> RecordingJSON {
        guard bytes.count <= maximumSize else {
            throw FIDOError(.recordingTooLarge, "the recording is \(bytes.count) bytes; at most \(maximumSize) are read")
        }
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.failure("trailing content after the JSON document") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func failure(_ reason: String) -> FIDOError {
            FIDOError(.recordingInvalid, "not valid JSON at byte \(offset): \(reason)")
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func parseValue(depth: Int) throws(FIDOError) -> RecordingJSON {
            guard depth <= RecordingJSON.maximumDepth else {
                throw failure("nested deeper than \(RecordingJSON.maximumDepth) levels")
            }
            guard offset < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw failure("unexpected byte 0x\(String(bytes[offset], radix: 16))")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(FIDOError) {
            let text = literal.withUTF8Buffer { Array($0) }
            guard offset + text.count <= bytes.count, Array(bytes[offset..<(offset + text.count)]) == text else {
                throw failure("unknown literal")
            }
            offset += text.count
        }

        mutating func parseObject(depth: Int) throws(FIDOError) -> RecordingJSON {
            offset += 1
            var members: [(name: String, value: RecordingJSON)] = []
            var names: Set<String> = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                    throw failure("expected a member name")
                }
                let name = try parseString()
                guard names.insert(name).inserted else { throw failure("duplicate member \"\(name)\"") }
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                offset += 1
                skipWhitespace()
                members.append((name, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard offset < bytes.count else { throw failure("unexpected end of input in an object") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                guard bytes[offset] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
                offset += 1
                return .object(members)
            }
        }

        mutating func parseArray(depth: Int) throws(FIDOError) -> RecordingJSON {
            offset += 1
            var elements: [RecordingJSON] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard offset < bytes.count else { throw failure("unexpected end of input in an array") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                guard bytes[offset] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
                offset += 1
                return .array(elements)
            }
        }

        mutating func parseNumber() throws(FIDOError) -> String {
            let start = offset
            if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("a number needs a digit") }
            if bytes[offset] == UInt8(ascii: "0") {
                offset += 1
            } else {
                while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("a fraction needs a digit") }
                while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                    offset += 1
                }
                guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("an exponent needs a digit") }
                while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
            }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func parseString() throws(FIDOError) -> String {
            offset += 1
            var scalars = String.UnicodeScalarView()
            while true {
                guard offset < bytes.count else { throw failure("unterminated string") }
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    offset += 1
                    scalars.append(try parseEscape())
                case 0..<0x20:
                    throw failure("a control character inside a string must be escaped")
                case 0..<0x80:
                    scalars.append(Unicode.Scalar(byte))
                    offset += 1
                default:
                    scalars.append(try parseUTF8Scalar())
                }
            }
        }

        mutating func parseEscape() throws(FIDOError) -> Unicode.Scalar {
            guard offset < bytes.count else { throw failure("unterminated escape") }
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let first = try parseHex4()
                if (0xD800...0xDBFF).contains(first) {
                    guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                        bytes[offset + 1] == UInt8(ascii: "u")
                    else { throw failure("a high surrogate must be followed by a low surrogate") }
                    offset += 2
                    let second = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(second) else { throw failure("invalid low surrogate") }
                    let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    guard let scalar = Unicode.Scalar(value) else { throw failure("invalid code point") }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(first) else { throw failure("a lone low surrogate") }
                return scalar
            default:
                throw failure("unknown escape")
            }
        }

        mutating func parseHex4() throws(FIDOError) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("truncated \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[offset..<(offset + 4)] {
                guard let digit = HexDigits.value(byte, allowUppercase: true) else {
                    throw failure("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            offset += 4
            return value
        }

        /// One multi-byte UTF-8 sequence, strictly (no overlong forms, no surrogates, at most U+10FFFF).
        mutating func parseUTF8Scalar() throws(FIDOError) -> Unicode.Scalar {
            let lead = bytes[offset]
            let length: Int
            var value: UInt32
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: (length, value, minimum) = (2, UInt32(lead & 0x1F), 0x80)
            case 0xE0...0xEF: (length, value, minimum) = (3, UInt32(lead & 0x0F), 0x800)
            case 0xF0...0xF4: (length, value, minimum) = (4, UInt32(lead & 0x07), 0x10000)
            default: throw failure("invalid UTF-8")
            }
            guard offset + length <= bytes.count else { throw failure("truncated UTF-8") }
            for index in 1..<length {
                let byte = bytes[offset + index]
                guard byte & 0xC0 == 0x80 else { throw failure("invalid UTF-8") }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            guard value >= minimum, let scalar = Unicode.Scalar(value) else { throw failure("invalid UTF-8") }
            offset += length
            return scalar
        }
    }
}

// MARK: - Writing

extension RecordingJSON {
    /// The document, indented by two spaces per level, with a final line feed.
    ///
    /// An object or array whose members are all scalars is written on one line (so each frame of a
    /// recording is one line, and a re-recorded file diffs line by line); anything else gets one member per
    /// line. Strings are escaped as ``OutputJSON`` escapes them, except that a line feed is written `\n` (PEM
    /// certificates stay readable).
    func prettyBytes() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output, indent: 0)
        output.append(0x0A)
        return output
    }

    /// The document on one line.
    func compactBytes() -> [UInt8] {
        var output: [UInt8] = []
        writeCompact(to: &output)
        return output
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private var isFlat: Bool {
        switch self {
        case .array(let elements): elements.allSatisfy(\.isScalar)
        case .object(let members): members.allSatisfy(\.value.isScalar)
        default: true
        }
    }

    private func write(to output: inout [UInt8], indent: Int) {
        if isFlat {
            writeCompact(to: &output, spaced: true)
            return
        }
        let inner = [UInt8](repeating: 0x20, count: (indent + 1) * 2)
        let outer = [UInt8](repeating: 0x20, count: indent * 2)
        switch self {
        case .array(let elements):
            output += Array("[\n".utf8)
            for (index, element) in elements.enumerated() {
                output += inner
                element.write(to: &output, indent: indent + 1)
                output += Array((index + 1 < elements.count ? ",\n" : "\n").utf8)
            }
            output += outer
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output += Array("{\n".utf8)
            for (index, member) in members.enumerated() {
                output += inner
                Self.writeString(member.name, to: &output)
                output += Array(": ".utf8)
                member.value.write(to: &output, indent: indent + 1)
                output += Array((index + 1 < members.count ? ",\n" : "\n").utf8)
            }
            output += outer
            output.append(UInt8(ascii: "}"))
        default:
            writeCompact(to: &output)
        }
    }

    private func writeCompact(to output: inout [UInt8], spaced: Bool = false) {
        let separator = Array((spaced ? ", " : ",").utf8)
        let colon = Array((spaced ? ": " : ":").utf8)
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let value): output += Array((value ? "true" : "false").utf8)
        case .number(let text): output += Array(text.utf8)
        case .string(let text): Self.writeString(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output += separator }
                element.writeCompact(to: &output, spaced: spaced)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output += separator }
                Self.writeString(member.name, to: &output)
                output += colon
                member.value.writeCompact(to: &output, spaced: spaced)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, to output: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): output += Array("\\\\".utf8)
            case 0x0A: output += Array("\\n".utf8)
            case 0..<0x20: output += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// Hexadecimal digit values.
enum HexDigits {
    /// The value of one hex digit, or nil.
    static func value(_ byte: UInt8, allowUppercase: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where allowUppercase: byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Lowercase hex text to bytes, or nil when it is not an even number of lowercase hex digits.
    static func decodeLowercase(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index], allowUppercase: false),
                let low = value(utf8[index + 1], allowUppercase: false)
            else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

/// Strict base64url (RFC 4648 §5) without padding, as WebAuthn uses it: every character from the alphabet,
/// no `=`, and the unused low bits of the last character zero (so each byte string has exactly one text).
enum Base64URLDecoding {
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in utf8 {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { return nil }
        return bytes
    }
}
