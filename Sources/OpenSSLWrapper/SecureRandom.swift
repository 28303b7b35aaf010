internal import CLibCrypto

/// Cryptographically secure random bytes from OpenSSL's DRBG.
package enum SecureRandom {
    /// `count` random bytes (`RAND_bytes`).
    package static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // RAND_bytes fails only when the DRBG cannot be seeded. Predictable "random" bytes would break
            // challenges and keys silently, so stop instead.
            guard RAND_bytes(buffer.baseAddress, Int32(clamping: count)) == 1, count <= Int(Int32.max) else {
                fatalError(OpenSSLError.fromErrorQueue("RAND_bytes").description)
            }
            initialized = count
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths (`CRYPTO_memcmp`).
///
/// Lengths are not secret: strings of different lengths compare unequal at once.
package func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { a in
        b.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
    }
}
