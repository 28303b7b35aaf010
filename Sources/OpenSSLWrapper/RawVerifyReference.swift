internal import CLibCrypto

/// OpenSSL's own ECDSA P-256 verification rate: the yardstick the benchmark compares assertion verification with.
///
/// The simplest possible loop: one `EVP_PKEY_CTX` set up once, then `EVP_PKEY_verify` of one fixed
/// signature over one fixed SHA-256 digest, over and over. Nothing of this module's own verification path
/// (``EVPKey``'s context pool, digesting, argument checks) is in it.
package enum RawVerifyReference {
    /// Runs the loop on the calling thread for at least `minimumDuration` and returns verifications per second.
    ///
    /// - Throws: ``OpenSSLError`` when setting up fails or a verification does not succeed.
    package static func ecdsaP256VerifiesPerSecond(minimumDuration: Duration = .seconds(1)) throws(OpenSSLError) -> Double {
        let key = try EVPPrivateKey.generate(.ec(.p256))
        let message = Array("KeyBridge raw ECDSA P-256 reference".utf8)
        let signature = try key.sign(message: message, scheme: .ecdsa(.sha256))
        let digest = Digest.sha256(message)
        return try key.publicKey.withPKey { pkey throws(OpenSSLError) -> Double in
            let context = try OwnedPointer(
                EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_pkey")
            return try context.withPointer { context throws(OpenSSLError) -> Double in
                guard EVP_PKEY_verify_init(context) == 1 else { throw OpenSSLError.fromErrorQueue("EVP_PKEY_verify_init") }
                return try signature.withUnsafeBufferPointer { signature throws(OpenSSLError) -> Double in
                    try digest.withUnsafeBufferPointer { digest throws(OpenSSLError) -> Double in
                        let clock = ContinuousClock()
                        let start = clock.now
                        var count = 0
                        var elapsed = Duration.zero
                        repeat {
                            for _ in 0..<100 {
                                guard EVP_PKEY_verify(context, signature.baseAddress, signature.count,
                                                      digest.baseAddress, digest.count) == 1
                                else { throw OpenSSLError.fromErrorQueue("EVP_PKEY_verify") }
                            }
                            count += 100
                            elapsed = clock.now - start
                        } while elapsed < minimumDuration
                        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                        return Double(count) / seconds
                    }
                }
            }
        }
    }
}
