internal import CLibCrypto

extension EVPPrivateKey {
    /// The elliptic-curve Diffie-Hellman shared secret with `peer` (SEC 1 §3.3.1): the x-coordinate of
    /// `d·Q`, left-padded to the curve's coordinate size.
    ///
    /// Only for EC keys on the same curve. OpenSSL checks the peer key (it must be a valid point, which
    /// ``EVPKey`` already guarantees) and refuses the point at infinity.
    ///
    /// - Parameter peer: The other party's public key, on this key's curve.
    /// - Returns: The shared secret `Z` (32 bytes for P-256).
    /// - Throws: ``OpenSSLError`` when either key is not EC, the curves differ, or OpenSSL fails.
    package func ecdhSharedSecret(with peer: EVPKey) throws(OpenSSLError) -> [UInt8] {
        guard case .ec(let curve) = publicKey.kind, peer.kind == publicKey.kind else {
            throw OpenSSLError(
                operation: "EVPPrivateKey.ecdhSharedSecret",
                details: ["ECDH needs two EC keys on one curve, got \(publicKey.kind) and \(peer.kind)"])
        }
        return try withPKey { pkey throws(OpenSSLError) -> [UInt8] in
            let context = try OwnedPointer(
                EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_pkey")
            return try context.withPointer { context throws(OpenSSLError) -> [UInt8] in
                // EVP_PKEY_derive_set_peer takes its own reference to the peer key; the EVPKey keeps ours.
                let ready = peer.withPKey { peerKey in
                    EVP_PKEY_derive_init(context) == 1 && EVP_PKEY_derive_set_peer(context, peerKey) == 1
                }
                guard ready else { throw OpenSSLError.fromErrorQueue("EVP_PKEY_derive_set_peer") }
                var length = 0
                guard EVP_PKEY_derive(context, nil, &length) == 1, length == curve.coordinateSize else {
                    throw OpenSSLError.fromErrorQueue("EVP_PKEY_derive (length)")
                }
                var secret = [UInt8](repeating: 0, count: length)
                let derived = secret.withUnsafeMutableBufferPointer { EVP_PKEY_derive(context, $0.baseAddress, &length) }
                guard derived == 1, length == curve.coordinateSize else {
                    throw OpenSSLError.fromErrorQueue("EVP_PKEY_derive")
                }
                return secret
            }
        }
    }
}
