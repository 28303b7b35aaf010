/// A CIDR block (RFC 4632 for IPv4, RFC 4291 §2.3 for IPv6): a network address and a prefix length.
///
/// Parsing is strict: `192.0.2.0/24` is a range, `192.0.2.1/24` is refused because host bits are set
/// (a typo in a deny list should fail loudly, not block a neighbour). A bare address is its own range
/// (`/32` or `/128`). An IPv4 range also contains the IPv4-mapped IPv6 form of its addresses
/// (`::ffff:192.0.2.7` is in `192.0.2.0/24`), since that is how a dual-stack server sees IPv4 clients.
public struct IPRange: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The first address of the range; its host bits are zero.
    public let network: IPAddress
    /// The number of leading bits that every address in the range shares: 0…32 or 0…128.
    public let prefixLength: Int

    /// A range from its parts.
    ///
    /// - Parameters:
    ///   - network: The first address; its bits after `prefixLength` must be zero.
    ///   - prefixLength: 0…32 for IPv4, 0…128 for IPv6.
    /// - Throws: ``MFAError/Code/invalidRange`` for a prefix out of range or host bits set.
    public init(network: IPAddress, prefixLength: Int) throws(MFAError) {
        guard (0...network.family.bitWidth).contains(prefixLength) else {
            throw MFAError(
                .invalidRange, "a prefix length for \(network) is 0 to \(network.family.bitWidth), not \(prefixLength)")
        }
        let (maskHigh, maskLow) = Self.mask(family: network.family, prefixLength: prefixLength)
        guard network.high & ~maskHigh == 0, network.low & ~maskLow == 0 else {
            throw MFAError(.invalidRange, "\(network)/\(prefixLength) has host bits set")
        }
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Parses `address/prefix`, or a bare address as a single-address range.
    ///
    /// - Parameter text: For example `10.0.0.0/8`, `2001:db8::/32` or `198.51.100.7`.
    /// - Throws: ``MFAError/Code/invalidRange`` for a missing or malformed prefix, a prefix out of range,
    ///   or host bits set; ``MFAError/Code/invalidAddress`` for a malformed address.
    public init(parsing text: String) throws(MFAError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw MFAError(.invalidRange, "\"\(text)\" has more than one /") }
        let address = try IPAddress(parsing: String(parts[0]))
        var prefixLength = address.family.bitWidth
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...3).contains(digits.count), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                digits.count == 1 || digits.first != "0", let value = Int(digits)
            else {
                throw MFAError(.invalidRange, "\"\(text)\" has a prefix length that is not a decimal number")
            }
            prefixLength = value
        }
        try self.init(network: address, prefixLength: prefixLength)
    }

    /// Parses a range, or returns nil; see ``init(parsing:)``.
    ///
    /// - Parameter description: The text.
    public init?(_ description: String) {
        guard let parsed = try? IPRange(parsing: description) else { return nil }
        self = parsed
    }

    /// Whether `address` lies in the range. An address of the other family never does, except an
    /// IPv4-mapped IPv6 address in an IPv4 range.
    ///
    /// - Parameter address: The address to test.
    /// - Returns: True when its first ``prefixLength`` bits equal the network's.
    public func contains(_ address: IPAddress) -> Bool {
        let candidate = network.family == .ipv4 ? address.unmapped : address
        guard candidate.family == network.family else { return false }
        let (maskHigh, maskLow) = Self.mask(family: network.family, prefixLength: prefixLength)
        return candidate.high & maskHigh == network.high && candidate.low & maskLow == network.low
    }

    /// `network/prefixLength` in canonical text.
    public var description: String { "\(network)/\(prefixLength)" }

    /// The network mask as the two words of ``IPAddress``'s storage.
    private static func mask(family: IPAddress.Family, prefixLength: Int) -> (UInt64, UInt64) {
        func leadingOnes(_ count: Int) -> UInt64 {
            count <= 0 ? 0 : count >= 64 ? .max : ~(UInt64.max >> UInt64(count))
        }
        switch family {
        case .ipv4:
            // IPv4 lives in the low 32 bits of `low`.
            return (0, leadingOnes(prefixLength) >> 32)
        case .ipv6:
            return (leadingOnes(prefixLength), leadingOnes(prefixLength - 64))
        }
    }

    /// Decodes the text form and parses it strictly.
    ///
    /// - Parameter decoder: Holds one string.
    /// - Throws: ``MFAError/Code/invalidRange`` or ``MFAError/Code/invalidAddress`` for text that is not a
    ///   range.
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
