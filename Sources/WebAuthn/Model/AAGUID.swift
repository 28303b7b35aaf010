/// The Authenticator Attestation GUID: 16 bytes that name an authenticator model (WebAuthn L3 §6.5.1).
public struct AAGUID: Hashable, Sendable, CustomStringConvertible {
    /// The 16 bytes.
    public let bytes: [UInt8]

    /// An AAGUID from its 16 bytes.
    ///
    /// - Throws: ``WebAuthnError/Code/malformedInput`` unless `bytes` has exactly 16 bytes.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count == 16 else {
            throw WebAuthnError(.malformedInput, "an AAGUID has 16 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Builds from a slice the caller has checked to be 16 bytes long.
    init(uncheckedBytes bytes: ArraySlice<UInt8>) {
        self.bytes = Array(bytes)
    }

    /// An AAGUID from its UUID text form (`8-4-4-4-12` hex digits, either case).
    ///
    /// - Returns: nil for text of any other shape.
    public init?(uuidString: String) {
        let utf8 = Array(uuidString.utf8)
        guard utf8.count == 36 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var i = 0
        var high: UInt8? = nil
        while i < 36 {
            let c = utf8[i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                i += 1
                continue
            }
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
            i += 1
        }
        self.bytes = out
    }

    /// All zeros: what authenticators report when they do not disclose their model (and U2F devices).
    public static let zero = AAGUID(uncheckedBytes: ArraySlice(repeating: 0, count: 16))

    /// The lowercase UUID form, e.g. `cb69481e-8ff7-4039-93ec-0a2729a154a8`.
    public var description: String {
        let hex: [Character] = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { s.append("-") }
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 0x0F)])
        }
        return s
    }
}
