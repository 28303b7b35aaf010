/// The CTAP2 canonical CBOR map key order (CTAP 2.1 §8 "Message Encoding", canonical CBOR encoding form).
///
/// Keys are compared by their encoded bytes: the lower major type sorts first; within one major type the
/// shorter encoding sorts first; encodings of equal length compare bytewise. This differs from RFC 8949
/// §4.2.1 (plain bytewise order) for keys of different major types, for example `24` (`0x18 0x18`) sorts
/// before `-1` (`0x20`) here and after it there.
enum CTAP2KeyOrder {
    /// Negative, zero or positive as the encoded key `a` sorts before, with or after `b`. Both are non-empty.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard let firstA = a.first, let firstB = b.first else { return a.count - b.count }
        let majorA = Int(firstA >> 5)
        let majorB = Int(firstB >> 5)
        if majorA != majorB { return majorA - majorB }
        if a.count != b.count { return a.count - b.count }
        for i in 0..<a.count where a[i] != b[i] {
            return Int(a[i]) - Int(b[i])
        }
        return 0
    }
}
