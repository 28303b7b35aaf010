import Glibc
internal import OpenSSLWrapper

/// Identifiers this module gives the messages it sends: 128 random bits as 32 lowercase hex digits.
enum MessageIdentifier {
    /// A fresh identifier from the system CSPRNG.
    static func generate() -> String {
        hex(SecureRandom.bytes(16))
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The clock delivery code uses when the caller injects none: the system's Unix time in seconds.
@Sendable func systemUnixTime() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec)
}
