/// HKDF, the HMAC-based extract-and-expand key derivation function (RFC 5869), over ``HMAC``.
package enum HKDF {
    /// Derives `outputByteCount` bytes from `inputKeyMaterial` (RFC 5869 §2.2 extract, then §2.3 expand).
    ///
    /// - Parameters:
    ///   - algorithm: The hash for HMAC.
    ///   - inputKeyMaterial: The secret input (IKM).
    ///   - salt: The salt; empty means a string of `HashLen` zeros (RFC 5869 §2.2).
    ///   - info: Context and application specific information.
    ///   - outputByteCount: The length of the output keying material, at most 255 × `HashLen`.
    /// - Returns: The output keying material, or nil when `outputByteCount` is negative or above 255 × `HashLen`.
    package static func deriveKey(
        _ algorithm: DigestAlgorithm, inputKeyMaterial: [UInt8], salt: [UInt8], info: [UInt8], outputByteCount: Int
    ) -> [UInt8]? {
        let hashLength = algorithm.outputSize
        guard outputByteCount >= 0, outputByteCount <= 255 * hashLength else { return nil }
        // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); a missing salt is HashLen zeros.
        let pseudorandomKey = HMAC.authenticationCode(
            algorithm, key: salt.isEmpty ? [UInt8](repeating: 0, count: hashLength) : salt, message: inputKeyMaterial)
        // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i); OKM = the first L bytes of T(1) | T(2) | ...
        var output: [UInt8] = []
        output.reserveCapacity(outputByteCount + hashLength)
        var previous: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < outputByteCount {
            previous = HMAC.authenticationCode(algorithm, key: pseudorandomKey, message: previous + info + [counter])
            output.append(contentsOf: previous)
            counter &+= 1
        }
        return Array(output.prefix(outputByteCount))
    }
}
