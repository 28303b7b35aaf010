internal import CLibCrypto

/// PEM text encoding (RFC 7468): base64 in 64-character lines between BEGIN and END lines.
enum PEMText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `der` as a PEM block with `label` ("PUBLIC KEY", "CERTIFICATE"), ending in a newline.
    static func encode(_ der: [UInt8], label: String) -> String {
        var base64: [UInt8] = []
        base64.reserveCapacity((der.count + 2) / 3 * 4)
        var index = 0
        while index < der.count {
            let b0 = UInt32(der[index])
            let b1 = index + 1 < der.count ? UInt32(der[index + 1]) : 0
            let b2 = index + 2 < der.count ? UInt32(der[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            base64.append(alphabet[Int(triple >> 18 & 63)])
            base64.append(alphabet[Int(triple >> 12 & 63)])
            base64.append(index + 1 < der.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            base64.append(index + 2 < der.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        var text = "-----BEGIN \(label)-----\n"
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            text += String(decoding: base64[start..<end], as: UTF8.self)
            text += "\n"
            start = end
        }
        text += "-----END \(label)-----\n"
        return text
    }

    /// The DER contents of the first PEM block labelled `label` in `text` (other blocks are skipped).
    ///
    /// - Throws: ``OpenSSLError`` when there is no such block or its base64 is broken.
    static func decode(_ text: String, label: String) throws(OpenSSLError) -> [UInt8] {
        let bio = try MemoryBIO.make(copying: Array(text.utf8))
        var data: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var name: UnsafeMutablePointer<CChar>? = nil
        let ok = bio.withPointer { PEM_bytes_read_bio(&data, &length, &name, label, $0, noPassword, nil) }
        // PEM_bytes_read_bio allocated `data` and `name`; both are freed here.
        defer {
            CLibCrypto_OPENSSL_free(data)
            CLibCrypto_OPENSSL_free(name)
        }
        guard ok == 1, let data, length > 0 else { throw OpenSSLError.fromErrorQueue("PEM_bytes_read_bio(\(label))") }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
