internal import CLibCrypto

/// Certification path validation (RFC 5280 §6) by OpenSSL's `X509_verify_cert`.
package enum X509ChainVerifier {
    /// Validates a path from `leaf` through some of `intermediates` to one of `trustAnchors`, at `time`.
    ///
    /// The anchors go into an `X509_STORE`, the intermediates are untrusted candidates, and the check time
    /// is fixed with `X509_VERIFY_PARAM_set_time`. `X509_V_FLAG_PARTIAL_CHAIN` is set, so an anchor may be
    /// an intermediate or the leaf itself; `X509_V_FLAG_X509_STRICT` is not (real attestation certificates
    /// are sloppy). No purpose is required.
    ///
    /// - Parameters:
    ///   - leaf: The end-entity certificate.
    ///   - intermediates: Untrusted certificates that may complete the path, in any order.
    ///   - trustAnchors: The trusted certificates; at least one.
    ///   - time: The validation time, in seconds since 1970 (UTC).
    /// Successful results are remembered (see ``ValidatedPaths``): the same certificates validated again at
    /// a time inside every certificate of the remembered path return that path without redoing the
    /// signature checks, which are a pure function of the certificates.
    ///
    /// - Returns: The validated path, leaf first and anchor last (the same objects that were passed in).
    /// - Throws: ``OpenSSLError`` with operation `X509_verify_cert` and OpenSSL's verification error
    ///   string (for example "certificate has expired") and the depth where it arose.
    package static func validate(
        leaf: X509Certificate, intermediates: [X509Certificate], trustAnchors: [X509Certificate], at time: Int64
    ) throws(OpenSSLError) -> [X509Certificate] {
        guard !trustAnchors.isEmpty else {
            throw OpenSSLError(operation: "X509_verify_cert", details: ["no trust anchors"])
        }
        guard let checkTime = time_t(exactly: time) else {
            throw OpenSSLError(operation: "X509_verify_cert", details: ["time out of range"])
        }
        let candidates = [leaf] + intermediates + trustAnchors
        let key = ValidatedPaths.Key(
            leaf: leaf.fingerprint, intermediates: intermediates.map(\.fingerprint), anchors: trustAnchors.map(\.fingerprint))
        if let remembered = ValidatedPaths.shared.cache.value(for: key), remembered.validFrom <= time,
            time <= remembered.validUntil, remembered.indices.allSatisfy({ candidates.indices.contains($0) })
        {
            return remembered.indices.map { candidates[$0] }
        }
        let store = try OwnedPointer(X509_STORE_new(), .x509Store, operation: "X509_STORE_new")
        for anchor in trustAnchors {
            // X509_STORE_add_cert takes its own reference to the certificate; the anchor keeps ours.
            let added = store.withPointer { store in anchor.withX509 { X509_STORE_add_cert(store, $0) } }
            // Adding the same certificate twice is reported as an error but leaves the store usable.
            if added != 1 { ERR_clear_error() }
        }
        // The untrusted stack borrows the intermediates (no up_ref); it is freed without freeing them, and
        // `intermediates` keeps every certificate alive until validation is over.
        let untrusted = try OwnedPointer(
            CLibCrypto_sk_X509_new_null(), .borrowingCertificateStack, operation: "sk_X509_new_null")
        for certificate in intermediates {
            let pushed = untrusted.withPointer { stack in certificate.withX509 { CLibCrypto_sk_X509_push(stack, $0) } }
            guard pushed > 0 else { throw OpenSSLError.fromErrorQueue("sk_X509_push") }
        }
        let context = try OwnedPointer(X509_STORE_CTX_new(), .x509StoreContext, operation: "X509_STORE_CTX_new")
        let chainPointers = try withExtendedLifetime((leaf, intermediates, trustAnchors)) {
            () throws(OpenSSLError) -> [OpaquePointer] in
            try context.withPointer { context throws(OpenSSLError) -> [OpaquePointer] in
                // X509_STORE_CTX_init borrows store, leaf and the untrusted stack: all outlive the context.
                let initialised = store.withPointer { store in
                    untrusted.withPointer { stack in leaf.withX509 { X509_STORE_CTX_init(context, store, $0, stack) } }
                }
                guard initialised == 1 else { throw OpenSSLError.fromErrorQueue("X509_STORE_CTX_init") }
                // X509_STORE_CTX_get0_param returns the context's own parameters (borrowed).
                guard let parameters = X509_STORE_CTX_get0_param(context) else {
                    throw OpenSSLError.fromErrorQueue("X509_STORE_CTX_get0_param")
                }
                X509_VERIFY_PARAM_set_time(parameters, checkTime)
                guard X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN)) == 1 else {
                    throw OpenSSLError.fromErrorQueue("X509_VERIFY_PARAM_set_flags")
                }
                guard X509_verify_cert(context) == 1 else {
                    let code = X509_STORE_CTX_get_error(context)
                    let depth = X509_STORE_CTX_get_error_depth(context)
                    ERR_clear_error()
                    throw OpenSSLError(
                        operation: "X509_verify_cert",
                        details: ["\(string(fromC: X509_verify_cert_error_string(Int(code)))) (error \(code) at depth \(depth))"])
                }
                // X509_STORE_CTX_get0_chain returns the context's own stack (borrowed); we only read the pointers.
                guard let chain = X509_STORE_CTX_get0_chain(context) else {
                    throw OpenSSLError.fromErrorQueue("X509_STORE_CTX_get0_chain")
                }
                return (0..<max(CLibCrypto_sk_X509_num(chain), 0)).compactMap { CLibCrypto_sk_X509_value(chain, $0) }
            }
        }
        // Map OpenSSL's chain back to the caller's objects: the store and the context hold the very X509
        // objects that were passed in (by reference), so identity finds each one.
        var indices: [Int] = []
        for pointer in chainPointers {
            guard let index = candidates.firstIndex(where: { $0.withX509 { $0 == pointer } }) else {
                throw OpenSSLError(operation: "X509_verify_cert", details: ["chain holds an unknown certificate"])
            }
            indices.append(index)
        }
        let validated = indices.map { candidates[$0] }
        ValidatedPaths.shared.cache.insert(
            ValidatedPaths.Path(
                indices: indices, validFrom: validated.map(\.notBefore).max() ?? time,
                validUntil: validated.map(\.notAfter).min() ?? time),
            for: key)
        return validated
    }
}

/// Paths that ``X509ChainVerifier`` validated, by the SHA-256 fingerprints of its inputs (at most 256).
///
/// With the flags fixed (partial chains allowed, no CRLs, no policy or purpose), whether a path validates
/// depends only on the certificates and the time, and time enters only through the validity periods. So a
/// remembered path is valid again at any time inside all of its certificates' validity periods.
final class ValidatedPaths: Sendable {
    static let shared = ValidatedPaths()

    struct Key: Hashable, Sendable {
        let leaf: [UInt8]
        let intermediates: [[UInt8]]
        let anchors: [[UInt8]]
    }

    struct Path: Sendable {
        /// Positions in `[leaf] + intermediates + trustAnchors`, leaf first.
        let indices: [Int]
        /// The latest notBefore and the earliest notAfter in the path.
        let validFrom: Int64
        let validUntil: Int64
    }

    let cache = BoundedCache<Key, Path>(capacity: 256)
}
