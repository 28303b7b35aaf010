/// Size and nesting limits for JSON input.
package struct JSONLimits: Sendable, Hashable {
    /// The largest input, in bytes.
    package var maxBytes: Int
    /// The deepest nesting of arrays and objects (the top-level container is depth 1).
    package var maxDepth: Int

    package init(maxBytes: Int = 1 << 20, maxDepth: Int = 32) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// 1 MiB, depth 32: far above anything a browser sends for WebAuthn.
    package static let `default` = JSONLimits()
}

/// A strict pull reader over UTF-8 JSON text (RFC 8259), used by ``JSONParser`` and by the typed parsers of
/// the WebAuthn JSON forms, which read members straight into their fields without building a tree.
///
/// Strict means: no trailing commas, no comments, no leading zeros, no `NaN`/`Infinity`, no control characters
/// in strings, well-formed UTF-8 only, no lone surrogates in `\u` escapes, and (enforced by the callers through
/// ``MemberTracker``) no duplicate keys. Whitespace is the four characters RFC 8259 names; a byte order mark is
/// not accepted here (``CollectedClientData`` strips one, as WebAuthn's "UTF-8 decode" requires).
///
/// The reader holds a pointer to the caller's buffer: use it only inside ``withReader(_:limits:_:)``.
package struct JSONReader {
    /// A string token: where its content is, and whether it holds escapes (then it must be decoded).
    package struct StringToken {
        /// The bytes between the quotes, undecoded.
        package let range: Range<Int>
        /// Whether the content contains a backslash escape.
        package let hasEscapes: Bool
    }

    /// The kind of value the next byte starts.
    package enum Kind {
        case object, array, string, number, bool, null
    }

    /// Iteration state of one array or object.
    package struct ContainerCursor {
        fileprivate var first = true
        package init() {}
    }

    package let bytes: UnsafeBufferPointer<UInt8>
    package private(set) var index: Int = 0
    private var depth: Int = 0
    private let maxDepth: Int

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Runs `body` with a reader over `input`, after checking the size limit.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for input over `limits.maxBytes`, and whatever `body` throws.
    package static func withReader<R>(
        _ input: [UInt8], limits: JSONLimits = .default,
        _ body: (inout JSONReader) throws(WebAuthnError) -> R
    ) throws(WebAuthnError) -> R {
        guard input.count <= limits.maxBytes else {
            throw WebAuthnError(.invalidJSON, "JSON input of \(input.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        return try input.withUnsafeBufferPointer { (buffer) throws(WebAuthnError) -> R in
            var reader = JSONReader(bytes: buffer, maxDepth: limits.maxDepth)
            return try body(&reader)
        }
    }

    // MARK: - Errors

    func error(_ what: String) -> WebAuthnError {
        WebAuthnError(.invalidJSON, "\(what) at offset \(index)")
    }

    // MARK: - Whitespace and structure

    /// Skips RFC 8259 whitespace (space, tab, line feed, carriage return).
    @inline(__always)
    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Checks that only whitespace follows the top-level value.
    package mutating func expectEnd() throws(WebAuthnError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected data after the JSON value") }
    }

    /// The kind of the next value (after whitespace).
    package mutating func peekKind() throws(WebAuthnError) -> Kind {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw error("unexpected character")
        }
    }

    private mutating func enterContainer(_ open: UInt8, _ name: String) throws(WebAuthnError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == open else { throw error("expected \(name)") }
        depth += 1
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        index += 1
    }

    /// Consumes `{`.
    package mutating func beginObject() throws(WebAuthnError) {
        try enterContainer(UInt8(ascii: "{"), "an object")
    }

    /// Consumes `[`.
    package mutating func beginArray() throws(WebAuthnError) {
        try enterContainer(UInt8(ascii: "["), "an array")
    }

    /// Advances to the next member of the current object: consumes the separator, the key and the colon, and
    /// returns the key; returns nil (after consuming `}`) at the end of the object.
    package mutating func nextMember(_ cursor: inout ContainerCursor) throws(WebAuthnError) -> StringToken? {
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated object") }
        if bytes[index] == UInt8(ascii: "}") {
            // Only reached at the start or after a value: after a comma a member name is required below.
            index += 1
            depth -= 1
            return nil
        }
        if !cursor.first {
            guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
            index += 1
            skipWhitespace()
        }
        cursor.first = false
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let key = try readStringToken()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        return key
    }

    /// Advances to the next element of the current array: consumes the separator and returns true, or consumes
    /// `]` and returns false.
    package mutating func nextElement(_ cursor: inout ContainerCursor) throws(WebAuthnError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unterminated array") }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        if !cursor.first {
            guard bytes[index] == UInt8(ascii: ",") else { throw error("expected ',' or ']'") }
            index += 1
        }
        cursor.first = false
        return true
    }

    // MARK: - Literals

    private mutating func expectLiteral(_ literal: StaticString) throws(WebAuthnError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error("invalid literal") }
        let p = literal.utf8Start
        for i in 0..<count where bytes[index + i] != p[i] {
            throw error("invalid literal")
        }
        index += count
    }

    /// Reads `true` or `false`.
    package mutating func readBool() throws(WebAuthnError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: "t") {
            try expectLiteral("true")
            return true
        }
        if bytes[index] == UInt8(ascii: "f") {
            try expectLiteral("false")
            return false
        }
        throw error("expected a boolean")
    }

    /// Reads `null`.
    package mutating func readNull() throws(WebAuthnError) {
        skipWhitespace()
        try expectLiteral("null")
    }

    /// Consumes `null` if it comes next; returns whether it did.
    package mutating func readNullIfPresent() throws(WebAuthnError) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    // MARK: - Numbers

    /// Reads a number (RFC 8259 grammar) as a `Double`.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for a malformed number or one beyond the range of `Double`.
    package mutating func readNumber() throws(WebAuthnError) -> Double {
        skipWhitespace()
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("leading zero in number") }
            digits = 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 18 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        var simple = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid fraction") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // Fast path: an integer of at most 15 digits is exact in a Double.
        if simple, digits <= 15 {
            let value = Double(mantissa)
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error("number out of range") }
        return value
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    // MARK: - Strings

    /// Reads a string token without decoding it: validates escapes and UTF-8, and returns where the content is.
    package mutating func readStringToken() throws(WebAuthnError) -> StringToken {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        var hasEscapes = false
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let token = StringToken(range: start..<index, hasEscapes: hasEscapes)
                index += 1
                return token
            }
            if b == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else if b < 0x20 {
                throw error("unescaped control character in string")
            } else if b < 0x80 {
                index += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// Validates one escape sequence starting at the backslash, and moves past it. A high surrogate escape must
    /// be followed by a low surrogate escape; a low surrogate alone is rejected.
    private mutating func skipEscape() throws(WebAuthnError) {
        index += 1
        guard index < bytes.count else { throw error("unterminated escape") }
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 1
        case UInt8(ascii: "u"):
            index += 1
            let unit = try readHex4()
            if unit >= 0xDC00 && unit <= 0xDFFF { throw error("lone low surrogate in \\u escape") }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("lone high surrogate in \\u escape") }
                index += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low <= 0xDFFF else { throw error("high surrogate not followed by a low surrogate") }
            }
        default:
            throw error("invalid escape")
        }
    }

    private mutating func readHex4() throws(WebAuthnError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
    private mutating func skipUTF8Sequence() throws(WebAuthnError) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8")
        }
        guard bytes.count - index >= length else { throw error("truncated UTF-8") }
        let second = bytes[index + 1]
        guard second >= low && second <= high else { throw error("invalid UTF-8") }
        var i = 2
        while i < length {
            guard bytes[index + i] & 0xC0 == 0x80 else { throw error("invalid UTF-8") }
            i += 1
        }
        index += length
    }

    /// The decoded UTF-8 bytes of a string token (already validated by ``readStringToken()``).
    package func decodedBytes(_ token: StringToken) -> [UInt8] {
        let content = UnsafeBufferPointer(rebasing: bytes[token.range])
        guard token.hasEscapes else { return Array(content) }
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var i = 0
        while i < content.count {
            let b = content[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = content[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(content, i)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let lowUnit = Self.hex4(content, i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (lowUnit - 0xDC00)
                }
                Self.appendUTF8(scalar, to: &out)
            default: out.append(e)  // \" \\ \/
            }
        }
        return out
    }

    private static func hex4(_ p: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            let b = p[at + k]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            default: digit = UInt32(b &- UInt8(ascii: "A") &+ 10)
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// The decoded string of a token.
    package func decodedString(_ token: StringToken) -> String {
        if !token.hasEscapes {
            // Validated UTF-8: decoding cannot repair anything.
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[token.range]), as: UTF8.self)
        }
        return String(decoding: decodedBytes(token), as: UTF8.self)
    }

    /// Reads a string and decodes it.
    package mutating func readString() throws(WebAuthnError) -> String {
        decodedString(try readStringToken())
    }

    /// Whether a token's decoded content equals `literal` (ASCII member names).
    package func token(_ token: StringToken, equals literal: StaticString) -> Bool {
        if token.hasEscapes {
            let decoded = decodedBytes(token)
            return decoded.count == literal.utf8CodeUnitCount
                && decoded.withUnsafeBufferPointer { d in
                    (0..<d.count).allSatisfy { d[$0] == literal.utf8Start[$0] }
                }
        }
        let count = literal.utf8CodeUnitCount
        guard token.range.count == count else { return false }
        let p = literal.utf8Start
        var i = 0
        let base = token.range.lowerBound
        while i < count {
            if bytes[base + i] != p[i] { return false }
            i += 1
        }
        return true
    }

    // MARK: - Skipping

    /// Reads and discards one value of any kind, validating it completely.
    package mutating func skipValue() throws(WebAuthnError) {
        switch try peekKind() {
        case .string: _ = try readStringToken()
        case .number: _ = try readNumber()
        case .bool: _ = try readBool()
        case .null: try readNull()
        case .array:
            try beginArray()
            var cursor = ContainerCursor()
            while try nextElement(&cursor) { try skipValue() }
        case .object:
            try beginObject()
            var cursor = ContainerCursor()
            var tracker = MemberTracker(known: [])
            while let key = try nextMember(&cursor) {
                _ = try tracker.record(key, in: self)
                try skipValue()
            }
        }
    }
}

/// Detects duplicate member names while a typed parser walks an object, and tells which known member a key is.
package struct MemberTracker {
    private let known: [StaticString]
    private var seenKnown: UInt64 = 0
    private var others: [[UInt8]] = []
    private var otherSet: Set<[UInt8]> = []

    /// A tracker for an object whose interesting members are `known` (at most 64).
    package init(known: [StaticString]) {
        self.known = known
    }

    /// Records member `key`: returns the index of the known member it names, or nil for any other member.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` when the object already had a member with this name.
    package mutating func record(_ key: JSONReader.StringToken, in reader: JSONReader) throws(WebAuthnError) -> Int? {
        for (i, name) in known.enumerated() where reader.token(key, equals: name) {
            let bit: UInt64 = 1 << UInt64(i)
            guard seenKnown & bit == 0 else { throw reader.error("duplicate member \"\(name)\"") }
            seenKnown |= bit
            return i
        }
        let bytes = reader.decodedBytes(key)
        if others.count < 16 {
            guard !others.contains(bytes) else { throw reader.error("duplicate member name") }
            others.append(bytes)
            if others.count == 16 { otherSet = Set(others) }
        } else {
            guard otherSet.insert(bytes).inserted else { throw reader.error("duplicate member name") }
        }
        return nil
    }
}
