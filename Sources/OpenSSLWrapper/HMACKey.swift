internal import CLibCrypto
import Synchronization

/// An HMAC (RFC 2104) key whose keyed state is computed once, for many short messages.
///
/// ``HMAC/authenticationCode(_:key:message:)`` hashes the padded key (one compression function call for the
/// inner pad, one for the outer) and fetches the implementation on every call; for an 8-byte HOTP counter
/// that is most of the work. This key keeps an `EVP_MAC_CTX` initialised with the key as a template, and a
/// small pool of working copies: each computation takes a copy, re-initialises it from its own keyed state
/// (`EVP_MAC_init` with a NULL key, which for HMAC restores the saved inner and outer digest states), feeds
/// the message and reads the code. In the steady state no memory is allocated per code.
///
/// Safe to share across threads: concurrent computations each take their own working context.
package final class HMACKey: @unchecked Sendable {
    /// The digest under the HMAC.
    package let algorithm: DigestAlgorithm
    /// The keyed EVP_MAC_CTX, owned by this object and freed in deinit. Never used to compute: only duplicated.
    private let template: OpaquePointer
    /// Idle working contexts (each an EVP_MAC_CTX owned by this object while in the pool).
    private let idle = Mutex<[WorkingContext]>([])
    private static let poolCapacity = 8

    /// A key for `algorithm` with the bytes `key` (any length; RFC 2104 hashes keys longer than a block).
    ///
    /// - Throws: ``OpenSSLError`` when libcrypto cannot set up the context (no default provider, no memory).
    package init(_ algorithm: DigestAlgorithm, key: [UInt8]) throws(OpenSSLError) {
        self.algorithm = algorithm
        guard let mac = FetchedMAC.shared.hmac else {
            throw OpenSSLError(operation: "EVP_MAC_fetch", details: ["HMAC is not available from the loaded providers"])
        }
        guard let context = EVP_MAC_CTX_new(mac) else {
            throw OpenSSLError.fromErrorQueue("EVP_MAC_CTX_new")
        }
        let ok = algorithm.openSSLName.withCString { name in
            "digest".withCString { digestKey in
                var params = [
                    OSSL_PARAM_construct_utf8_string(digestKey, UnsafeMutablePointer(mutating: name), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return key.withUnsafeBufferPointer { key in
                    // HMAC reads `keylen` bytes from a non-NULL pointer, and a NULL key means "keep the key"
                    // (see the type's comment), so an empty key gets a pointer to a dummy byte.
                    withUnsafePointer(to: UInt8(0)) { dummy in
                        params.withUnsafeMutableBufferPointer { params in
                            EVP_MAC_init(context, key.baseAddress ?? dummy, key.count, params.baseAddress)
                        }
                    }
                }
            }
        }
        guard ok == 1 else {
            let error = OpenSSLError.fromErrorQueue("EVP_MAC_init")
            EVP_MAC_CTX_free(context)
            throw error
        }
        template = context
    }

    deinit {
        // EVP_MAC_CTX_free clears the HMAC state (the keyed digest contexts) before freeing it.
        idle.withLock { idle in idle.removeAll() }
        EVP_MAC_CTX_free(template)
    }

    /// Computes the HMAC of `message` and hands it to `body` in a buffer valid only during the call.
    ///
    /// The buffer holds ``DigestAlgorithm/outputSize`` bytes. Nothing is allocated in the steady state.
    package func withAuthenticationCode<R, E: Error>(
        of message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        let context = takeContext()
        defer { give(context) }
        return try withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { (output) throws(E) -> R in
            context.compute(message, into: output, size: algorithm.outputSize)
            defer { secureZero(output) }
            return try body(UnsafeRawBufferPointer(rebasing: output[0..<algorithm.outputSize]))
        }
    }

    /// The HMAC of `message`.
    package func authenticationCode(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { message in
            withAuthenticationCode(of: message) { Array($0) }
        }
    }

    // MARK: - Pool

    private func takeContext() -> WorkingContext {
        if let context = idle.withLock({ $0.popLast() }) { return context }
        // EVP_MAC_CTX_dup copies the keyed state; the copy is owned by the new WorkingContext.
        guard let copy = EVP_MAC_CTX_dup(template) else {
            // Only an allocation failure makes the duplicate fail; a MAC that cannot be computed must not
            // be reported as "wrong code", so stop.
            fatalError(OpenSSLError.fromErrorQueue("EVP_MAC_CTX_dup").description)
        }
        return WorkingContext(taking: copy)
    }

    private func give(_ context: WorkingContext) {
        idle.withLock { idle in
            if idle.count < Self.poolCapacity { idle.append(context) }
        }
    }
}

/// One duplicated, keyed `EVP_MAC_CTX`, used by one thread at a time.
private final class WorkingContext: @unchecked Sendable {
    /// Owned by this object and freed in deinit.
    private let context: OpaquePointer

    init(taking context: OpaquePointer) {
        self.context = context
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// HMAC of `message` into the first `size` bytes of `output` (which holds at least 64 bytes).
    func compute(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, size: Int) {
        var length = 0
        let ok = EVP_MAC_init(context, nil, 0, nil) == 1
            && EVP_MAC_update(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1
            && EVP_MAC_final(context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, output.count) == 1
        // No input makes these fail (the key was accepted at init); a failure is an allocation failure inside
        // OpenSSL. A wrong MAC would be a silent security failure, so stop.
        guard ok, length == size else {
            fatalError(OpenSSLError.fromErrorQueue("EVP_MAC_final").description)
        }
    }
}

/// The HMAC `EVP_MAC`, fetched once per process and never freed.
final class FetchedMAC: @unchecked Sendable {
    static let shared = FetchedMAC()

    /// The fetched HMAC implementation (borrowed by every context; never freed).
    let hmac: OpaquePointer?

    private init() {
        hmac = EVP_MAC_fetch(nil, "HMAC", nil)
        if hmac == nil { ERR_clear_error() }
    }
}

/// Overwrites `buffer` with zeros in a way the optimiser keeps (`OPENSSL_cleanse`).
package func secureZero(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    OPENSSL_cleanse(base, buffer.count)
}

/// Overwrites the bytes of `array` with zeros in a way the optimiser keeps (`OPENSSL_cleanse`).
///
/// Clears this array's own storage only: copies made earlier (Swift arrays are copy-on-write) are not reached.
package func secureZero(_ array: inout [UInt8]) {
    array.withUnsafeMutableBytes { secureZero($0) }
}
