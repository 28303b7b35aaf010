internal import CLibCrypto
import Synchronization

/// An `EVP_PKEY_CTX` initialised for verification under one ``SignatureScheme``, reusable for any number
/// of `EVP_PKEY_verify` calls, by one thread at a time.
///
/// Setting a context up (`EVP_PKEY_verify_init` fetches the signature implementation, and the digest and
/// padding settings fetch again) costs a noticeable share of a P-256 verification in OpenSSL 3.0, so it
/// is done once per context and the context is kept in the key's ``VerifyContextPool``.
final class VerifyContext: @unchecked Sendable {
    let scheme: SignatureScheme
    /// The EVP_PKEY_CTX, owned by this object and freed in deinit. It holds its own reference to the key.
    private let context: OpaquePointer

    /// A context for `pkey` and `scheme`, or nil when OpenSSL refuses the setup (the error queue is cleared).
    init?(pkey: OpaquePointer, scheme: SignatureScheme) {
        // EVP_PKEY_CTX_new_from_pkey takes its own reference to pkey: the caller keeps its reference.
        guard let digest = scheme.digest, let context = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            ERR_clear_error()
            return nil
        }
        let md = FetchedDigests.shared.md(digest)
        var ok = EVP_PKEY_verify_init(context) == 1 && EVP_PKEY_CTX_set_signature_md(context, md) == 1
        switch scheme {
        case .ecdsa, .eddsa:
            break
        case .rsaPKCS1v15:
            ok = ok && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .rsaPSS:
            ok = ok && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, md) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
        }
        guard ok else {
            EVP_PKEY_CTX_free(context)
            ERR_clear_error()
            return nil
        }
        self.scheme = scheme
        self.context = context
    }

    /// `EVP_PKEY_verify` of `signature` over `digest`. A failure leaves the thread's error queue empty.
    func verify(signature: [UInt8], digest: [UInt8]) -> Bool {
        let result = signature.withUnsafeBufferPointer { signature in
            digest.withUnsafeBufferPointer { digest in
                EVP_PKEY_verify(context, signature.baseAddress, signature.count, digest.baseAddress, digest.count)
            }
        }
        if result == 1 { return true }
        ERR_clear_error()
        return false
    }

    deinit {
        EVP_PKEY_CTX_free(context)
    }
}

/// The idle verification contexts of one key.
///
/// A caller takes a context for its scheme (or makes one when none is idle), uses it alone, and gives it
/// back. Concurrent verifications on one key therefore each get their own context; at most
/// ``capacity`` idle contexts are kept.
final class VerifyContextPool: Sendable {
    private static let capacity = 8
    private let idle = Mutex<[VerifyContext]>([])

    init() {}

    /// An idle context for `scheme`, removed from the pool, or nil.
    func take(_ scheme: SignatureScheme) -> VerifyContext? {
        idle.withLock { idle in
            if let last = idle.last, last.scheme == scheme { return idle.removeLast() }
            guard let index = idle.lastIndex(where: { $0.scheme == scheme }) else { return nil }
            return idle.remove(at: index)
        }
    }

    /// Returns `context` to the pool (or drops it when the pool is full).
    func give(_ context: VerifyContext) {
        idle.withLock { idle in
            if idle.count < Self.capacity { idle.append(context) }
        }
    }
}
