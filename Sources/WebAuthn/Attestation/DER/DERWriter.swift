/// The little DER writing the attestation formats need: turning a JOSE ECDSA signature (`r || s`, RFC 7518 §3.4)
/// into the X9.62 `Ecdsa-Sig-Value` that OpenSSL verifies.
enum DERWriter {
    /// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` for a raw `r || s` signature.
    ///
    /// - Parameter raw: The two equally long big-endian unsigned integers, concatenated.
    /// - Returns: The DER encoding, or nil when `raw` is empty or has an odd length.
    static func ecdsaSignature(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard !raw.isEmpty, raw.count % 2 == 0 else { return nil }
        let half = raw.count / 2
        let body = unsignedInteger(raw[..<half]) + unsignedInteger(raw[half...])
        return [0x30] + length(body.count) + body
    }

    /// An INTEGER holding the unsigned big-endian magnitude `bytes`, minimally encoded.
    static func unsignedInteger(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var magnitude = Array(bytes.drop { $0 == 0 })
        if magnitude.isEmpty { magnitude = [0] }
        if let first = magnitude.first, first & 0x80 != 0 { magnitude.insert(0, at: 0) }
        return [0x02] + length(magnitude.count) + magnitude
    }

    /// A definite length in its shortest form.
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var octets: [UInt8] = []
        var remaining = count
        while remaining > 0 {
            octets.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets
    }
}
