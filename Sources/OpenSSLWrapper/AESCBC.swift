internal import CLibCrypto

/// AES in Cipher Block Chaining mode (NIST SP 800-38A) without padding.
///
/// Unauthenticated: pair it with a MAC (CTAP 2.1 PIN/UV auth protocols 1 and 2 use it that way). The input
/// must be a whole number of 16-byte blocks.
package enum AESCBC {
    /// The AES block size in bytes; inputs and the IV are multiples of it.
    package static let blockSize = 16

    /// Encrypts `plaintext`, a whole number of blocks, with no padding.
    ///
    /// - Parameters:
    ///   - plaintext: The data, a multiple of 16 bytes long.
    ///   - key: An AES key of 16, 24 or 32 bytes.
    ///   - iv: The 16-byte initialization vector.
    /// - Returns: The ciphertext, as long as `plaintext`.
    /// - Throws: ``OpenSSLError`` for a partial block, wrong key or IV sizes, or an OpenSSL failure.
    package static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(OpenSSLError) -> [UInt8] {
        try run(plaintext, key: key, iv: iv, encrypting: true)
    }

    /// Decrypts `ciphertext`, a whole number of blocks, with no padding removed.
    ///
    /// - Parameters:
    ///   - ciphertext: The data, a multiple of 16 bytes long.
    ///   - key: The AES key (16, 24 or 32 bytes).
    ///   - iv: The 16-byte initialization vector.
    /// - Returns: The plaintext, as long as `ciphertext`.
    /// - Throws: ``OpenSSLError`` for a partial block, wrong key or IV sizes, or an OpenSSL failure.
    package static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(OpenSSLError) -> [UInt8] {
        try run(ciphertext, key: key, iv: iv, encrypting: false)
    }

    private static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8], encrypting: Bool) throws(OpenSSLError)
        -> [UInt8]
    {
        let operation = encrypting ? "AESCBC.encrypt" : "AESCBC.decrypt"
        guard let cipher = aesCipher(keySize: key.count, mode: "CBC") else {
            throw OpenSSLError(operation: operation, details: ["an AES key is 16, 24 or 32 bytes, got \(key.count)"])
        }
        guard iv.count == blockSize else {
            throw OpenSSLError(operation: operation, details: ["the IV must be \(blockSize) bytes, got \(iv.count)"])
        }
        guard input.count % blockSize == 0, input.count <= Int(Int32.max) - blockSize else {
            throw OpenSSLError(operation: operation, details: ["the input must be whole \(blockSize)-byte blocks"])
        }
        guard !input.isEmpty else { return [] }
        let context = try CipherContext(operation: "EVP_CIPHER_CTX_new")
        return try context.withPointer { context throws(OpenSSLError) -> [UInt8] in
            let started = key.withUnsafeBufferPointer { key in
                iv.withUnsafeBufferPointer { iv in
                    EVP_CipherInit_ex(context, cipher, nil, key.baseAddress, iv.baseAddress, encrypting ? 1 : 0)
                }
            }
            // Padding off: CTAP's messages are whole blocks, and PKCS#7 padding would add a block.
            guard started == 1, EVP_CIPHER_CTX_set_padding(context, 0) == 1 else {
                throw OpenSSLError.fromErrorQueue("\(operation): EVP_CipherInit_ex")
            }
            var output = [UInt8](repeating: 0, count: input.count + blockSize)
            var length: Int32 = 0
            var finalLength: Int32 = 0
            let ok = output.withUnsafeMutableBufferPointer { output in
                input.withUnsafeBufferPointer { input in
                    guard EVP_CipherUpdate(context, output.baseAddress, &length, input.baseAddress, Int32(input.count)) == 1
                    else { return false }
                    return EVP_CipherFinal_ex(context, output.baseAddress.map { $0 + Int(length) }, &finalLength) == 1
                }
            }
            guard ok, Int(length + finalLength) == input.count else {
                throw OpenSSLError.fromErrorQueue("\(operation): EVP_CipherUpdate")
            }
            output.removeSubrange(input.count...)
            return output
        }
    }
}
