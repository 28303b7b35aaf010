/// The few DER pieces this module writes and reads itself (X.690): exact slices of a certificate that
/// OpenSSL would re-encode, and the contents of the extensions ``X509CertificateBuilder`` adds.
enum DER {
    // MARK: - Reading

    /// One element: its tag, the range of its whole TLV and the range of its contents, within the input.
    struct Element {
        var tag: UInt8
        var whole: Range<Int>
        var contents: Range<Int>
    }

    /// The element at `offset` in `bytes` (single-byte tags, definite lengths only), or nil when malformed.
    static func element(in bytes: [UInt8], at offset: Int, end: Int? = nil) -> Element? {
        let end = end ?? bytes.count
        guard offset >= 0, offset + 2 <= end, end <= bytes.count else { return nil }
        let tag = bytes[offset]
        guard tag & 0x1F != 0x1F else { return nil }
        var cursor = offset + 1
        let first = bytes[cursor]
        cursor += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4, cursor + count <= end else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard length <= end - cursor else { return nil }
        return Element(tag: tag, whole: offset..<(cursor + length), contents: cursor..<(cursor + length))
    }

    /// The elements directly inside `parent` (a constructed element), or nil when malformed.
    static func children(in bytes: [UInt8], of parent: Element) -> [Element]? {
        var result: [Element] = []
        var offset = parent.contents.lowerBound
        while offset < parent.contents.upperBound {
            guard let child = element(in: bytes, at: offset, end: parent.contents.upperBound) else { return nil }
            result.append(child)
            offset = child.whole.upperBound
        }
        return result
    }

    // MARK: - Writing

    /// A TLV with `tag` around `contents`.
    static func encode(tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        let count = contents.count
        if count < 0x80 {
            out.append(UInt8(count))
        } else {
            var lengthBytes: [UInt8] = []
            var remaining = count
            while remaining > 0 {
                lengthBytes.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            out.append(0x80 | UInt8(lengthBytes.count))
            out += lengthBytes
        }
        return out + contents
    }

    static func sequence(_ elements: [[UInt8]]) -> [UInt8] { encode(tag: 0x30, elements.flatMap { $0 }) }

    /// A non-negative INTEGER in minimal two's complement form.
    static func integer(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        repeat {
            bytes.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        } while remaining > 0
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return encode(tag: 0x02, bytes)
    }

    /// An unsigned big-endian magnitude as a DER INTEGER (leading zeros trimmed, a zero added when the top bit is set).
    static func integer(unsignedBytes: [UInt8]) -> [UInt8] {
        var bytes = Array(unsignedBytes.drop { $0 == 0 })
        if bytes.isEmpty { bytes = [0] }
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return encode(tag: 0x02, bytes)
    }

    static let booleanTrue: [UInt8] = [0x01, 0x01, 0xFF]

    /// An OBJECT IDENTIFIER from its dotted form, or nil when the text is not a valid OID.
    static func objectIdentifier(_ dotted: String) -> [UInt8]? {
        let arcs = dotted.split(separator: ".", omittingEmptySubsequences: false).map { UInt64($0) }
        guard arcs.count >= 2, arcs.allSatisfy({ $0 != nil }) else { return nil }
        let values = arcs.compactMap { $0 }
        guard values[0] <= 2, values[0] == 2 || values[1] < 40, values[1] <= UInt64.max - 80 else { return nil }
        var contents: [UInt8] = []
        for value in [values[0] * 40 + values[1]] + values.dropFirst(2) {
            var chunk: [UInt8] = [UInt8(value & 0x7F)]
            var remaining = value >> 7
            while remaining > 0 {
                chunk.insert(UInt8(remaining & 0x7F) | 0x80, at: 0)
                remaining >>= 7
            }
            contents += chunk
        }
        return encode(tag: 0x06, contents)
    }

    /// A BIT STRING holding the named bits `bits` (bit 0 is the most significant bit of the first byte),
    /// with trailing zero bits removed as DER requires for named bit lists.
    static func namedBitString(_ bits: [Int]) -> [UInt8] {
        guard let highest = bits.max() else { return encode(tag: 0x03, [0]) }
        var bytes = [UInt8](repeating: 0, count: highest / 8 + 1)
        for bit in bits { bytes[bit / 8] |= 0x80 >> UInt8(bit % 8) }
        let unused = UInt8((8 - (highest % 8 + 1)) % 8)
        return encode(tag: 0x03, [unused] + bytes)
    }
}
