internal import CLibCrypto

/// AES in Galois/Counter Mode (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag.
///
/// Authenticated encryption: ``open(_:tag:key:nonce:authenticating:)`` returns the plaintext only when the tag
/// verifies over the ciphertext and the associated data. The key length picks AES-128, AES-192 or AES-256.
/// Never reuse a nonce under one key.
package enum AESGCM {
    /// The nonce length in bytes (96 bits, the length SP 800-38D §8.2 recommends).
    package static let nonceSize = 12
    /// The tag length in bytes (128 bits).
    package static let tagSize = 16

    /// Encrypts `plaintext` and authenticates it together with `associatedData`.
    ///
    /// - Parameters:
    ///   - plaintext: The data to encrypt (any length, empty included).
    ///   - key: An AES key of 16, 24 or 32 bytes.
    ///   - nonce: A 12-byte nonce, never used before with this key.
    ///   - associatedData: Data authenticated but not encrypted.
    /// - Returns: The ciphertext (as long as `plaintext`) and the 16-byte tag.
    /// - Throws: ``OpenSSLError`` for a wrong key or nonce size, or an OpenSSL failure.
    package static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], authenticating associatedData: [UInt8] = []
    ) throws(OpenSSLError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        let operation = "AESGCM.seal"
        let context = try start(key: key, nonce: nonce, encrypting: true, operation: operation)
        return try context.withPointer { context throws(OpenSSLError) -> (ciphertext: [UInt8], tag: [UInt8]) in
            try addAdditionalData(associatedData, context: context, operation: operation)
            let ciphertext = try update(plaintext, context: context, operation: operation)
            var length: Int32 = 0
            var scratch = [UInt8](repeating: 0, count: AESCBC.blockSize)
            let finished = scratch.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(context, $0.baseAddress, &length) }
            guard finished == 1 else { throw OpenSSLError.fromErrorQueue("\(operation): EVP_EncryptFinal_ex (GCM)") }
            var tag = [UInt8](repeating: 0, count: tagSize)
            let got = tag.withUnsafeMutableBytes { tag in
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagSize), tag.baseAddress)
            }
            guard got == 1 else { throw OpenSSLError.fromErrorQueue("\(operation): EVP_CTRL_GCM_GET_TAG") }
            return (ciphertext, tag)
        }
    }

    /// Checks `tag` over `ciphertext` and `associatedData`, and decrypts.
    ///
    /// - Parameters:
    ///   - ciphertext: The encrypted data.
    ///   - tag: The 16-byte tag from ``seal(_:key:nonce:authenticating:)``.
    ///   - key: The AES key (16, 24 or 32 bytes).
    ///   - nonce: The 12-byte nonce used to seal.
    ///   - associatedData: The associated data used to seal.
    /// - Returns: The plaintext, only when the tag verifies.
    /// - Throws: ``OpenSSLError`` when the tag does not verify (wrong key, nonce or associated data, or tampered
    ///   input) or for wrong sizes. The plaintext computed before the check is cleared, never returned.
    package static func open(
        _ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], authenticating associatedData: [UInt8] = []
    ) throws(OpenSSLError) -> [UInt8] {
        let operation = "AESGCM.open"
        guard tag.count == tagSize else {
            throw OpenSSLError(operation: operation, details: ["the tag must be \(tagSize) bytes, got \(tag.count)"])
        }
        let context = try start(key: key, nonce: nonce, encrypting: false, operation: operation)
        return try context.withPointer { context throws(OpenSSLError) -> [UInt8] in
            try addAdditionalData(associatedData, context: context, operation: operation)
            var plaintext = try update(ciphertext, context: context, operation: operation)
            var expected = tag
            let set = expected.withUnsafeMutableBytes { tag in
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagSize), tag.baseAddress)
            }
            guard set == 1 else { throw OpenSSLError.fromErrorQueue("\(operation): EVP_CTRL_GCM_SET_TAG") }
            var length: Int32 = 0
            var scratch = [UInt8](repeating: 0, count: AESCBC.blockSize)
            // EVP_DecryptFinal_ex is where GCM compares the tag (in constant time).
            let verified = scratch.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress, &length) }
            guard verified == 1 else {
                plaintext.withUnsafeMutableBytes { secureZero($0) }
                OpenSSLError.clearErrorQueue()
                throw OpenSSLError(operation: operation, details: ["authentication tag mismatch"])
            }
            return plaintext
        }
    }

    // MARK: - Steps

    /// A context set up for AES-GCM with `key` and `nonce`.
    private static func start(key: [UInt8], nonce: [UInt8], encrypting: Bool, operation: String)
        throws(OpenSSLError) -> CipherContext
    {
        guard let cipher = aesCipher(keySize: key.count, mode: "GCM") else {
            throw OpenSSLError(operation: operation, details: ["an AES key is 16, 24 or 32 bytes, got \(key.count)"])
        }
        guard nonce.count == nonceSize else {
            throw OpenSSLError(operation: operation, details: ["the nonce must be \(nonceSize) bytes, got \(nonce.count)"])
        }
        let context = try CipherContext(operation: "EVP_CIPHER_CTX_new")
        // 12 bytes is GCM's default IV length in OpenSSL, so no EVP_CTRL_GCM_SET_IVLEN is needed.
        let started = context.withPointer { context in
            key.withUnsafeBufferPointer { key in
                nonce.withUnsafeBufferPointer { nonce in
                    EVP_CipherInit_ex(context, cipher, nil, key.baseAddress, nonce.baseAddress, encrypting ? 1 : 0)
                }
            }
        }
        guard started == 1 else { throw OpenSSLError.fromErrorQueue("\(operation): EVP_CipherInit_ex") }
        return context
    }

    /// Feeds associated data (authenticated, not encrypted); must come before any ciphertext or plaintext.
    private static func addAdditionalData(_ data: [UInt8], context: OpaquePointer, operation: String)
        throws(OpenSSLError)
    {
        guard !data.isEmpty else { return }
        guard data.count <= Int(Int32.max) else {
            throw OpenSSLError(operation: operation, details: ["associated data too long"])
        }
        var length: Int32 = 0
        let ok = data.withUnsafeBufferPointer { data in
            EVP_CipherUpdate(context, nil, &length, data.baseAddress, Int32(data.count))
        }
        guard ok == 1 else { throw OpenSSLError.fromErrorQueue("\(operation): EVP_CipherUpdate (AAD)") }
    }

    /// Encrypts or decrypts `input`; GCM is a stream mode, so the output is as long as the input.
    private static func update(_ input: [UInt8], context: OpaquePointer, operation: String)
        throws(OpenSSLError) -> [UInt8]
    {
        guard !input.isEmpty else { return [] }
        guard input.count <= Int(Int32.max) - AESCBC.blockSize else {
            throw OpenSSLError(operation: operation, details: ["input too long"])
        }
        var output = [UInt8](repeating: 0, count: input.count)
        var length: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { output in
            input.withUnsafeBufferPointer { input in
                EVP_CipherUpdate(context, output.baseAddress, &length, input.baseAddress, Int32(input.count))
            }
        }
        guard ok == 1, Int(length) == input.count else {
            throw OpenSSLError.fromErrorQueue("\(operation): EVP_CipherUpdate")
        }
        return output
    }
}
