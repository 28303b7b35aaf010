internal import CLibCrypto

/// HMAC (RFC 2104) over the SHA family.
package enum HMAC {
    /// The HMAC of `message` under `key` with `algorithm`.
    package static func authenticationCode(_ algorithm: DigestAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        let md = FetchedDigests.shared.md(algorithm)
        return [UInt8](unsafeUninitializedCapacity: algorithm.outputSize) { output, initialized in
            var length: UInt32 = 0
            let result = key.withUnsafeBytes { key in
                message.withUnsafeBufferPointer { message in
                    // OpenSSL's HMAC reads `key_len` bytes from a non-NULL pointer; an empty key is valid
                    // (RFC 2104 pads it with zeros), so hand it a pointer to a dummy byte then.
                    withUnsafePointer(to: UInt8(0)) { dummy in
                        CLibCrypto.HMAC(
                            md, key.baseAddress ?? UnsafeRawPointer(dummy), Int32(key.count),
                            message.baseAddress, message.count, output.baseAddress, &length)
                    }
                }
            }
            // Only an allocation failure makes HMAC fail (any key length is valid); never return a wrong MAC.
            guard result != nil, Int(length) == algorithm.outputSize else {
                fatalError(OpenSSLError.fromErrorQueue("HMAC").description)
            }
            initialized = Int(length)
        }
    }
}
