/// An IPv4 or IPv6 address, as a value.
///
/// Parsing is strict. IPv4 must be a dotted quad of four decimal numbers 0…255 with no leading zeros,
/// since `010` is octal to some parsers and decimal to others. IPv6 may be any text form of RFC 4291 §2.2:
/// `::` compression, and a dotted quad in the last 32 bits. A zone index (`%eth0`) is refused.
/// ``description`` is the canonical text: the dotted quad, or the RFC 5952 form (lowercase, the longest
/// run of two or more zero groups compressed, and `::ffff:a.b.c.d` for IPv4-mapped addresses).
///
/// Addresses order by family (IPv4 first), then numerically.
public struct IPAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The protocol family.
    public enum Family: Sendable, Hashable, Codable {
        /// 32-bit IPv4.
        case ipv4
        /// 128-bit IPv6.
        case ipv6

        /// 32 or 128.
        public var bitWidth: Int { self == .ipv4 ? 32 : 128 }
    }

    /// The family.
    public let family: Family
    /// IPv6: the first 64 bits. IPv4: zero.
    let high: UInt64
    /// IPv6: the last 64 bits. IPv4: the address in the low 32 bits.
    let low: UInt64

    /// An IPv4 address from its 32-bit value (`0xC0000201` is `192.0.2.1`).
    ///
    /// - Parameter value: The address in host order, most significant octet first when written.
    public init(ipv4 value: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its two 64-bit halves.
    ///
    /// - Parameters:
    ///   - high: Bits 0…63 (the first four groups).
    ///   - low: Bits 64…127 (the last four groups).
    public init(ipv6High high: UInt64, low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// An address from its network-order bytes.
    ///
    /// - Parameter bytes: 4 bytes for IPv4, 16 for IPv6.
    /// - Throws: ``MFAError/Code/invalidAddress`` for any other length.
    public init(bytes: [UInt8]) throws(MFAError) {
        func word(_ slice: ArraySlice<UInt8>) -> UInt64 { slice.reduce(0) { $0 << 8 | UInt64($1) } }
        switch bytes.count {
        case 4: self.init(ipv4: UInt32(word(bytes[0..<4])))
        case 16: self.init(ipv6High: word(bytes[0..<8]), low: word(bytes[8..<16]))
        default: throw MFAError(.invalidAddress, "an address has 4 or 16 bytes, not \(bytes.count)")
        }
    }

    /// The address in network order: 4 or 16 bytes.
    public var bytes: [UInt8] {
        switch family {
        case .ipv4: return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) }
        case .ipv6:
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2), the IPv4 address it carries;
    /// otherwise nil.
    public var embeddedIPv4: IPAddress? {
        guard family == .ipv6, high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }

    /// The address to compare with IPv4 rules: the embedded IPv4 address of an IPv4-mapped address (what
    /// a dual-stack server sees for an IPv4 client), else the address itself.
    public var unmapped: IPAddress { embeddedIPv4 ?? self }

    // MARK: - Parsing

    /// Parses an address, reporting why it is not one.
    ///
    /// - Parameter text: For example `192.0.2.1`, `2001:db8::1` or `::ffff:192.0.2.1`.
    /// - Throws: ``MFAError/Code/invalidAddress`` with the reason.
    public init(parsing text: String) throws(MFAError) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            let (high, low) = try Self.parseIPv6(Array(text.utf8), text: text)
            self.init(ipv6High: high, low: low)
        } else {
            self.init(ipv4: try Self.parseIPv4(Array(text.utf8)[...], text: text))
        }
    }

    /// Parses an address, or returns nil; see ``init(parsing:)`` for the reason.
    ///
    /// - Parameter description: The text.
    public init?(_ description: String) {
        guard let parsed = try? IPAddress(parsing: description) else { return nil }
        self = parsed
    }

    /// A dotted quad: four decimal octets, no leading zeros.
    private static func parseIPv4(_ bytes: ArraySlice<UInt8>, text: String) throws(MFAError) -> UInt32 {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw MFAError(.invalidAddress, "\"\(text)\" is not four dot-separated numbers")
        }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw MFAError(.invalidAddress, "\"\(text)\" has an octet that is not 1 to 3 decimal digits")
            }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else {
                throw MFAError(.invalidAddress, "\"\(text)\" has an octet with a leading zero")
            }
            let octet = part.reduce(0) { $0 * 10 + UInt32($1 - 0x30) }
            guard octet <= 255 else { throw MFAError(.invalidAddress, "\"\(text)\" has an octet above 255") }
            value = value << 8 | octet
        }
        return value
    }

    /// RFC 4291 §2.2 text forms 1 to 3.
    private static func parseIPv6(_ bytes: [UInt8], text: String) throws(MFAError) -> (UInt64, UInt64) {
        func fail(_ why: String) -> MFAError { MFAError(.invalidAddress, "\"\(text)\" \(why)") }
        // Locate "::", at most once.
        var compression: Int?
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: ":") {
                guard compression == nil else { throw fail("uses :: more than once") }
                compression = index
                index += 2
                guard index >= bytes.count || bytes[index] != UInt8(ascii: ":") else {
                    throw fail("has three colons in a row")
                }
            } else {
                index += 1
            }
        }
        let head: ArraySlice<UInt8>
        let tail: ArraySlice<UInt8>
        if let compression {
            head = bytes[..<compression]
            tail = bytes[(compression + 2)...]
        } else {
            head = bytes[...]
            tail = []
        }

        // Each side is groups separated by single colons; only the very last group of the address may be
        // a dotted quad.
        func groups(_ side: ArraySlice<UInt8>, isLast: Bool) throws(MFAError) -> [UInt16] {
            if side.isEmpty { return [] }
            let pieces = side.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            var result: [UInt16] = []
            for (position, piece) in pieces.enumerated() {
                if isLast && position == pieces.count - 1 && piece.contains(UInt8(ascii: ".")) {
                    let ipv4 = try parseIPv4(piece, text: text)
                    result.append(UInt16(truncatingIfNeeded: ipv4 >> 16))
                    result.append(UInt16(truncatingIfNeeded: ipv4))
                    continue
                }
                guard (1...4).contains(piece.count) else {
                    throw fail(piece.isEmpty ? "has an empty group" : "has a group of more than four hex digits")
                }
                var group: UInt16 = 0
                for byte in piece {
                    guard let digit = hexValue(byte) else { throw fail("has a character that is not a hex digit") }
                    group = group << 4 | UInt16(digit)
                }
                result.append(group)
            }
            return result
        }

        let headGroups = try groups(head, isLast: compression == nil)
        let tailGroups = try groups(tail, isLast: true)
        var all: [UInt16]
        if compression != nil {
            let explicit = headGroups.count + tailGroups.count
            guard explicit <= 7 else { throw fail("has :: but already eight groups") }
            all = headGroups + [UInt16](repeating: 0, count: 8 - explicit) + tailGroups
        } else {
            guard headGroups.count == 8 else { throw fail("has \(headGroups.count) groups, not eight") }
            all = headGroups
        }
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Text

    /// The canonical text: a dotted quad, or RFC 5952 §4 for IPv6 (`::ffff:a.b.c.d` for IPv4-mapped).
    public var description: String {
        switch family {
        case .ipv4:
            return Self.dottedQuad(UInt32(truncatingIfNeeded: low))
        case .ipv6:
            if let embeddedIPv4 { return "::ffff:" + embeddedIPv4.description }
            let groups = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
                + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
            // RFC 5952 §4.2: compress the longest run of zero groups, if it has at least two; the first
            // such run on a tie.
            var bestStart = -1
            var bestLength = 1
            var start = 0
            while start < 8 {
                guard groups[start] == 0 else {
                    start += 1
                    continue
                }
                var end = start
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - start > bestLength {
                    bestStart = start
                    bestLength = end - start
                }
                start = end
            }
            func hex(_ slice: ArraySlice<UInt16>) -> String {
                slice.map { String($0, radix: 16) }.joined(separator: ":")
            }
            guard bestStart >= 0 else { return hex(groups[...]) }
            return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
        }
    }

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    // MARK: - Comparable and Codable

    /// IPv4 before IPv6, then by numeric value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// Decodes the text form and parses it strictly.
    ///
    /// - Parameter decoder: Holds one string.
    /// - Throws: ``MFAError/Code/invalidAddress`` for text that is not an address.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes ``description``.
    ///
    /// - Parameter encoder: Receives one string.
    /// - Throws: What the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
