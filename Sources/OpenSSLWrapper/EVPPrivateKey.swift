internal import CLibCrypto

/// A private key held by OpenSSL (`EVP_PKEY`): EC on a NIST curve, RSA, Ed25519 or Ed448.
///
/// For tests, the benchmark and the software authenticator. Immutable; signing is safe from several
/// threads at once (each call sets up its own context). OpenSSL clears the key material when it frees it.
package final class EVPPrivateKey: @unchecked Sendable {
    /// The `EVP_PKEY` (key pair), owned by this object (one reference) and freed in `deinit`.
    private let pkey: OpaquePointer
    /// The public half.
    package let publicKey: EVPKey

    /// A fresh random key of `kind`; `.rsa(bits:)` uses the public exponent 65537.
    ///
    /// - Throws: ``OpenSSLError`` when OpenSSL refuses the parameters (for example an RSA size under 512 bits).
    package static func generate(_ kind: EVPKeyKind) throws(OpenSSLError) -> EVPPrivateKey {
        let typeName: String
        switch kind {
        case .ec: typeName = "EC"
        case .rsa: typeName = "RSA"
        case .ed25519: typeName = "ED25519"
        case .ed448: typeName = "ED448"
        }
        let context = try OwnedPointer(
            EVP_PKEY_CTX_new_from_name(nil, typeName, nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_name")
        var generated: OpaquePointer? = nil
        let ok = context.withPointer { context in
            guard EVP_PKEY_keygen_init(context) == 1 else { return false }
            switch kind {
            case .ec(let curve):
                guard EVP_PKEY_CTX_set_group_name(context, curve.groupName) == 1 else { return false }
            case .rsa(let bits):
                guard let bits = Int32(exactly: bits), EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 else {
                    return false
                }
            case .ed25519, .ed448:
                break
            }
            return EVP_PKEY_generate(context, &generated) == 1
        }
        guard ok else {
            if let generated { EVP_PKEY_free(generated) }
            throw OpenSSLError.fromErrorQueue("EVP_PKEY_generate")
        }
        return try EVPPrivateKey(taking: OwnedPointer(generated, .pkey, operation: "EVP_PKEY_generate"))
    }

    /// A private key from PEM: PKCS#8 (`PRIVATE KEY`) or a traditional form (`EC PRIVATE KEY`, `RSA PRIVATE KEY`).
    ///
    /// Encrypted PEM is refused (no passphrase is ever asked for).
    package convenience init(pem: String) throws(OpenSSLError) {
        let bio = try MemoryBIO.make(copying: Array(pem.utf8), secret: true)
        let pkey = bio.withPointer { PEM_read_bio_PrivateKey($0, nil, noPassword, nil) }
        try self.init(taking: OwnedPointer(pkey, .pkey, operation: "PEM_read_bio_PrivateKey"))
    }

    /// An EC key from its private scalar (big-endian, exactly ``ECCurve/coordinateSize`` bytes), for fixed test keys.
    ///
    /// - Throws: ``OpenSSLError`` for a wrong length or a scalar outside `1 ..< n`.
    package convenience init(ecPrivateScalar scalar: [UInt8], curve: ECCurve) throws(OpenSSLError) {
        guard scalar.count == curve.coordinateSize else {
            throw OpenSSLError(
                operation: "EVPPrivateKey(ecPrivateScalar:curve:)",
                details: ["the scalar must be \(curve.coordinateSize) bytes, got \(scalar.count)"])
        }
        let publicPoint = try OwnedPointer.bigNumber(scalar, secret: true).withPointer { d throws(OpenSSLError) in
            try Self.publicPoint(forScalar: d, curve: curve)
        }
        let builder = try ParamBuilder()
        try builder.pushUTF8(OSSL_PKEY_PARAM_GROUP_NAME, curve.groupName)
        try builder.pushBigNumber(OSSL_PKEY_PARAM_PRIV_KEY, scalar, secret: true)
        try builder.pushOctets(OSSL_PKEY_PARAM_PUB_KEY, publicPoint)
        let params = try builder.build()
        let context = try OwnedPointer(
            EVP_PKEY_CTX_new_from_name(nil, "EC", nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_name")
        var pkey: OpaquePointer? = nil
        let ok = context.withPointer { context in
            params.withPointer { params in
                EVP_PKEY_fromdata_init(context) == 1
                    && EVP_PKEY_fromdata(context, &pkey, CLibCrypto_EVP_PKEY_KEYPAIR(), params) == 1
            }
        }
        guard ok else {
            if let pkey { EVP_PKEY_free(pkey) }
            throw OpenSSLError.fromErrorQueue("EVP_PKEY_fromdata (EC key pair)")
        }
        try self.init(taking: OwnedPointer(pkey, .pkey, operation: "EVP_PKEY_fromdata"))
    }

    /// An Ed25519 key from its 32-byte seed (RFC 8032 §5.1.5 private key).
    package convenience init(ed25519Seed seed: [UInt8]) throws(OpenSSLError) {
        try self.init(seed: seed, type: EVP_PKEY_ED25519, size: 32, name: "Ed25519")
    }

    /// An Ed448 key from its 57-byte seed (RFC 8032 §5.2.5 private key).
    package convenience init(ed448Seed seed: [UInt8]) throws(OpenSSLError) {
        try self.init(seed: seed, type: EVP_PKEY_ED448, size: 57, name: "Ed448")
    }

    private convenience init(seed: [UInt8], type: Int32, size: Int, name: String) throws(OpenSSLError) {
        guard seed.count == size else {
            throw OpenSSLError(
                operation: "EVPPrivateKey(\(name.lowercased())Seed:)",
                details: ["an \(name) seed is \(size) bytes, got \(seed.count)"])
        }
        let pkey = seed.withUnsafeBufferPointer { EVP_PKEY_new_raw_private_key(type, nil, $0.baseAddress, $0.count) }
        try self.init(taking: OwnedPointer(pkey, .pkey, operation: "EVP_PKEY_new_raw_private_key"))
    }

    /// Takes over `owned` (an `EVP_PKEY` key pair). On a throw `owned` frees it; on success this object owns it.
    private init(taking owned: consuming OwnedPointer) throws(OpenSSLError) {
        // The public half is rebuilt from the key's parameters as a separate public-only key.
        publicKey = try owned.withPointer { pkey throws(OpenSSLError) in try EVPKey(publicPartOf: pkey) }
        // Ownership of the EVP_PKEY reference moves from `owned` to this object, which frees it in deinit.
        pkey = owned.release()
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    /// Runs `body` with the `EVP_PKEY`, valid for the duration of the call only.
    func withPKey<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(pkey) }
    }

    // MARK: - Signing

    /// Signs `message` under `scheme`. ECDSA signatures are DER; EdDSA signatures are raw.
    ///
    /// - Throws: ``OpenSSLError`` when the scheme does not fit the key or OpenSSL fails.
    package func sign(message: [UInt8], scheme: SignatureScheme) throws(OpenSSLError) -> [UInt8] {
        guard scheme.fits(publicKey.kind) else {
            throw OpenSSLError(operation: "EVPPrivateKey.sign", details: ["\(scheme) does not fit a \(publicKey.kind) key"])
        }
        let context = try OwnedPointer(EVP_MD_CTX_new(), .digestContext, operation: "EVP_MD_CTX_new")
        return try context.withPointer { context throws(OpenSSLError) -> [UInt8] in
            try Self.initialiseSigning(context, pkey: pkey, scheme: scheme)
            return try message.withUnsafeBufferPointer { message throws(OpenSSLError) -> [UInt8] in
                var length = 0
                guard EVP_DigestSign(context, nil, &length, message.baseAddress, message.count) == 1 else {
                    throw OpenSSLError.fromErrorQueue("EVP_DigestSign (length)")
                }
                var signature = [UInt8](repeating: 0, count: length)
                let ok = signature.withUnsafeMutableBufferPointer {
                    EVP_DigestSign(context, $0.baseAddress, &length, message.baseAddress, message.count)
                }
                guard ok == 1, length <= signature.count else { throw OpenSSLError.fromErrorQueue("EVP_DigestSign") }
                signature.removeSubrange(length...)
                return signature
            }
        }
    }

    /// `EVP_DigestSignInit_ex` on `context` for `pkey` and `scheme`, with the RSA padding it needs.
    static func initialiseSigning(_ context: OpaquePointer, pkey: OpaquePointer, scheme: SignatureScheme)
        throws(OpenSSLError)
    {
        // The EVP_PKEY_CTX returned through `pkeyContext` belongs to `context`: we configure it, never free it.
        var pkeyContext: OpaquePointer? = nil
        guard EVP_DigestSignInit_ex(context, &pkeyContext, scheme.digest?.openSSLName, nil, nil, pkey, nil) == 1,
            let pkeyContext
        else { throw OpenSSLError.fromErrorQueue("EVP_DigestSignInit_ex") }
        switch scheme {
        case .ecdsa, .eddsa:
            break
        case .rsaPKCS1v15:
            guard EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PADDING) == 1 else {
                throw OpenSSLError.fromErrorQueue("EVP_PKEY_CTX_set_rsa_padding")
            }
        case .rsaPSS(let digest):
            guard EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PSS_PADDING) == 1,
                EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyContext, FetchedDigests.shared.md(digest)) == 1,
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyContext, RSA_PSS_SALTLEN_DIGEST) == 1
            else { throw OpenSSLError.fromErrorQueue("EVP_PKEY_CTX_set_rsa_pss") }
        }
    }

    /// The key pair as a PKCS#8 `PRIVATE KEY` PEM block (unencrypted).
    package func pkcs8PEM() -> String {
        let text: String? = try? MemoryBIO.make().withPointer { bio -> String? in
            guard PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil) == 1 else { return nil }
            return String(decoding: MemoryBIO.contents(bio), as: UTF8.self)
        }
        // Writing a valid key to a memory BIO fails only when memory runs out; no input leads here.
        guard let text else { fatalError(OpenSSLError.fromErrorQueue("PEM_write_bio_PrivateKey").description) }
        return text
    }

    // MARK: - EC helpers

    /// The uncompressed public point `d·G` on `curve`, after checking `1 <= d < n`.
    private static func publicPoint(forScalar d: OpaquePointer, curve: ECCurve) throws(OpenSSLError) -> [UInt8] {
        let nid: Int32
        switch curve {
        case .p256: nid = NID_X9_62_prime256v1
        case .p384: nid = NID_secp384r1
        case .p521: nid = NID_secp521r1
        }
        let group = try OwnedPointer(EC_GROUP_new_by_curve_name(nid), .ecGroup, operation: "EC_GROUP_new_by_curve_name")
        return try group.withPointer { group throws(OpenSSLError) -> [UInt8] in
            guard let order = EC_GROUP_get0_order(group), BN_is_zero(d) == 0, BN_cmp(d, order) < 0 else {
                throw OpenSSLError(operation: "EVPPrivateKey(ecPrivateScalar:curve:)", details: ["scalar not in 1 ..< n"])
            }
            let point = try OwnedPointer(EC_POINT_new(group), .ecPoint, operation: "EC_POINT_new")
            let bnContext = try OwnedPointer(BN_CTX_new(), .bigNumberContext, operation: "BN_CTX_new")
            return try point.withPointer { point throws(OpenSSLError) -> [UInt8] in
                try bnContext.withPointer { bnContext throws(OpenSSLError) -> [UInt8] in
                    guard EC_POINT_mul(group, point, d, nil, nil, bnContext) == 1 else {
                        throw OpenSSLError.fromErrorQueue("EC_POINT_mul")
                    }
                    var encoded = [UInt8](repeating: 0, count: 1 + 2 * curve.coordinateSize)
                    let length = encoded.withUnsafeMutableBufferPointer {
                        EC_POINT_point2oct(
                            group, point, POINT_CONVERSION_UNCOMPRESSED, $0.baseAddress, $0.count, bnContext)
                    }
                    guard length == encoded.count else { throw OpenSSLError.fromErrorQueue("EC_POINT_point2oct") }
                    return encoded
                }
            }
        }
    }
}
