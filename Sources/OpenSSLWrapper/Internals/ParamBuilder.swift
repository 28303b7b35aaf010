internal import CLibCrypto

/// Builds an `OSSL_PARAM` array with `OSSL_PARAM_BLD`, keeping every pushed key and value alive until the
/// array is built.
///
/// `OSSL_PARAM_BLD_push_*` store the caller's pointers (names, strings, buffers, BIGNUMs) and copy them only
/// in `OSSL_PARAM_BLD_to_param`, so Swift's temporary C strings would dangle. This object owns the builder
/// and a copy of each name and value; its `deinit` frees them (clearing secret BIGNUMs).
final class ParamBuilder {
    /// The OSSL_PARAM_BLD, owned here and freed in deinit.
    private let builder: OpaquePointer
    /// Copies of names and values handed to the builder, freed in deinit.
    private var buffers: [UnsafeMutableRawBufferPointer] = []
    /// BIGNUMs handed to the builder, freed in deinit.
    private var bigNumbers: [(OpaquePointer, secret: Bool)] = []

    init() throws(OpenSSLError) {
        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSLError.fromErrorQueue("OSSL_PARAM_BLD_new") }
        self.builder = builder
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        for (bn, secret) in bigNumbers {
            if secret { BN_clear_free(bn) } else { BN_free(bn) }
        }
        OSSL_PARAM_BLD_free(builder)
    }

    /// A NUL-terminated copy of `text` that lives as long as this builder.
    private func keep(_ text: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(text.utf8)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
        for (index, byte) in utf8.enumerated() { copy[index] = CChar(bitPattern: byte) }
        copy[utf8.count] = 0
        buffers.append(UnsafeMutableRawBufferPointer(start: copy, count: utf8.count + 1))
        return copy
    }

    /// A copy of `bytes` (at least one byte allocated) that lives as long as this builder.
    private func keep(bytes: [UInt8]) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.copyBytes(from: bytes)
        buffers.append(buffer)
        return buffer
    }

    func pushUTF8(_ key: String, _ value: String) throws(OpenSSLError) {
        guard OSSL_PARAM_BLD_push_utf8_string(builder, keep(key), keep(value), 0) == 1 else {
            throw OpenSSLError.fromErrorQueue("OSSL_PARAM_BLD_push_utf8_string(\(key))")
        }
    }

    func pushOctets(_ key: String, _ value: [UInt8]) throws(OpenSSLError) {
        let copy = keep(bytes: value)
        guard OSSL_PARAM_BLD_push_octet_string(builder, keep(key), copy.baseAddress, value.count) == 1 else {
            throw OpenSSLError.fromErrorQueue("OSSL_PARAM_BLD_push_octet_string(\(key))")
        }
    }

    /// Pushes the unsigned big-endian integer `value`; a `secret` one is cleared when freed.
    func pushBigNumber(_ key: String, _ value: [UInt8], secret: Bool = false) throws(OpenSSLError) {
        guard let bn = value.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32(clamping: $0.count), nil) }) else {
            throw OpenSSLError.fromErrorQueue("BN_bin2bn")
        }
        bigNumbers.append((bn, secret))
        guard OSSL_PARAM_BLD_push_BN(builder, keep(key), bn) == 1 else {
            throw OpenSSLError.fromErrorQueue("OSSL_PARAM_BLD_push_BN(\(key))")
        }
    }

    /// The finished parameter array (which holds its own copies of everything).
    func build() throws(OpenSSLError) -> OwnedParams {
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw OpenSSLError.fromErrorQueue("OSSL_PARAM_BLD_to_param")
        }
        return OwnedParams(taking: params)
    }
}
