/// Base64url (RFC 4648 §5), as WebAuthn's JSON forms use it.
///
/// ``encode(_:)`` writes no padding. The decoder accepts unpadded input, or input padded correctly with `=` to a
/// multiple of four characters; it rejects any other character (including `+` and `/` of plain base64 and
/// whitespace), a length that cannot occur (4n+1), padding in the wrong place, and non-zero trailing bits (so every
/// byte string has exactly one accepted unpadded spelling).
package enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Sextet value per input byte; 0xFF marks a byte that is not in the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// The unpadded base64url text of `bytes`.
    package static func encode(_ bytes: [UInt8]) -> String {
        let fullGroups = bytes.count / 3
        let remainder = bytes.count % 3
        let outputCount = fullGroups * 4 + (remainder == 0 ? 0 : remainder + 1)
        if outputCount == 0 { return "" }
        return String(unsafeUninitializedCapacity: outputCount) { out in
            alphabet.withUnsafeBufferPointer { a in
                bytes.withUnsafeBufferPointer { input in
                    var o = 0
                    var i = 0
                    while i + 3 <= input.count {
                        let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        out[o] = a[Int(v >> 18)]
                        out[o + 1] = a[Int((v >> 12) & 0x3F)]
                        out[o + 2] = a[Int((v >> 6) & 0x3F)]
                        out[o + 3] = a[Int(v & 0x3F)]
                        o += 4
                        i += 3
                    }
                    if remainder == 1 {
                        let v = UInt32(input[i]) << 16
                        out[o] = a[Int(v >> 18)]
                        out[o + 1] = a[Int((v >> 12) & 0x3F)]
                    } else if remainder == 2 {
                        let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                        out[o] = a[Int(v >> 18)]
                        out[o + 1] = a[Int((v >> 12) & 0x3F)]
                        out[o + 2] = a[Int((v >> 6) & 0x3F)]
                    }
                }
            }
            return outputCount
        }
    }

    /// Decodes base64url text.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidBase64URL``.
    package static func decode(_ text: String) throws(WebAuthnError) -> [UInt8] {
        var text = text
        // withUTF8 rethrows untyped errors: carry the typed one out in a Result.
        let result = text.withUTF8 { utf8 in Result { () throws(WebAuthnError) -> [UInt8] in try decode(utf8) } }
        return try result.get()
    }

    /// Decodes base64url given as UTF-8 bytes.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidBase64URL``.
    package static func decode(_ input: UnsafeBufferPointer<UInt8>) throws(WebAuthnError) -> [UInt8] {
        var count = input.count
        var padding = 0
        if count > 0, count % 4 == 0, input[count - 1] == UInt8(ascii: "=") {
            padding = input[count - 2] == UInt8(ascii: "=") ? 2 : 1
            count -= padding
        }
        let tail = count % 4
        guard tail != 1 else { throw WebAuthnError(.invalidBase64URL, "base64url text has an impossible length") }
        if padding > 0, tail != 4 - padding {
            throw WebAuthnError(.invalidBase64URL, "base64url padding does not fit the length")
        }
        let outputCount = count / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        if outputCount == 0 { return [] }
        return try decodeTable.withUnsafeBufferPointer { (table) throws(WebAuthnError) -> [UInt8] in
            var invalid: UInt8 = 0
            var trailingBits: UInt32 = 0
            let result = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var i = 0
                var o = 0
                while i + 4 <= count {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                    let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                    invalid |= (a | b | c | d) & 0x80
                    let v = UInt32(a & 0x3F) << 18 | UInt32(b & 0x3F) << 12 | UInt32(c & 0x3F) << 6 | UInt32(d & 0x3F)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4
                    o += 3
                }
                if tail == 2 {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                    invalid |= (a | b) & 0x80
                    let v = UInt32(a & 0x3F) << 18 | UInt32(b & 0x3F) << 12
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    trailingBits = v & 0xFFFF
                } else if tail == 3 {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
                    invalid |= (a | b | c) & 0x80
                    let v = UInt32(a & 0x3F) << 18 | UInt32(b & 0x3F) << 12 | UInt32(c & 0x3F) << 6
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    trailingBits = v & 0xFF
                }
                initialized = outputCount
            }
            guard invalid == 0 else { throw WebAuthnError(.invalidBase64URL, "character outside the base64url alphabet") }
            guard trailingBits == 0 else { throw WebAuthnError(.invalidBase64URL, "base64url text has non-zero trailing bits") }
            return result
        }
    }

    /// Decodes base64url given as UTF-8 bytes.
    package static func decode(_ input: [UInt8]) throws(WebAuthnError) -> [UInt8] {
        try input.withUnsafeBufferPointer { (p) throws(WebAuthnError) -> [UInt8] in try decode(p) }
    }
}

extension JSONReader {
    /// Reads a JSON string holding base64url and decodes it, without building an intermediate `String` when the
    /// string has no escapes.
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for a non-string, ``WebAuthnError/Code/invalidBase64URL``
    ///   for a string that is not base64url.
    package mutating func readBase64URL() throws(WebAuthnError) -> [UInt8] {
        let token = try readStringToken()
        if token.hasEscapes { return try Base64URL.decode(decodedBytes(token)) }
        return try Base64URL.decode(UnsafeBufferPointer(rebasing: bytes[token.range]))
    }
}
