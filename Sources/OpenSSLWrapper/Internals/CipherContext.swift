internal import CLibCrypto

/// An `EVP_CIPHER_CTX`, owned here and freed (which also clears the key schedule) in `deinit`.
///
/// The one owner of a symmetric-cipher context for ``AESGCM`` and ``AESCBC``; the pointer is reachable only
/// inside ``withPointer(_:)``.
struct CipherContext: ~Copyable {
    private let pointer: OpaquePointer

    /// A new context, or the drained error queue for `operation` when OpenSSL cannot allocate one.
    init(operation: String) throws(OpenSSLError) {
        guard let pointer = EVP_CIPHER_CTX_new() else { throw OpenSSLError.fromErrorQueue(operation) }
        self.pointer = pointer
    }

    /// Runs `body` with the context, which stays valid for the duration of the call only.
    borrowing func withPointer<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try body(pointer)
    }

    deinit {
        // EVP_CIPHER_CTX_free cleanses the context (key schedule included) before freeing it.
        EVP_CIPHER_CTX_free(pointer)
    }
}

/// The AES cipher for a key of 16, 24 or 32 bytes in `mode` ("GCM" or "CBC"), or nil for another key size.
func aesCipher(keySize: Int, mode: String) -> OpaquePointer? {
    switch (keySize, mode) {
    case (16, "GCM"): return EVP_aes_128_gcm()
    case (24, "GCM"): return EVP_aes_192_gcm()
    case (32, "GCM"): return EVP_aes_256_gcm()
    case (16, "CBC"): return EVP_aes_128_cbc()
    case (24, "CBC"): return EVP_aes_192_cbc()
    case (32, "CBC"): return EVP_aes_256_cbc()
    default: return nil
    }
}
