internal import CLibCrypto

/// A public key held by OpenSSL (`EVP_PKEY`): EC on a NIST curve, RSA, Ed25519 or Ed448.
///
/// Immutable after init and safe to share across threads: every parameter is read once at init, and
/// signature checks draw verification contexts from a small internal pool (see ``verify(signature:digest:scheme:)``).
/// Two keys are equal when their SubjectPublicKeyInfo encodings are.
package final class EVPKey: @unchecked Sendable, Hashable {
    /// The `EVP_PKEY`, owned by this object (one reference) and freed in `deinit`. Never mutated after init.
    private let pkey: OpaquePointer
    /// The key's type and size.
    package let kind: EVPKeyKind
    private let spki: [UInt8]
    /// For an EC key, the affine coordinates, each left-padded to the curve's coordinate size.
    package let ecPublicPoint: (x: [UInt8], y: [UInt8])?
    /// For an RSA key, the modulus and public exponent (big-endian, no leading zeros).
    package let rsaComponents: (modulus: [UInt8], exponent: [UInt8])?
    /// For an Ed25519 or Ed448 key, the raw public key (32 or 57 bytes).
    package let rawPublicKey: [UInt8]?
    private let contexts: VerifyContextPool

    // MARK: - Creating keys

    /// An EC public key from its affine coordinates.
    ///
    /// - Throws: ``OpenSSLError`` when a coordinate is not exactly ``ECCurve/coordinateSize`` bytes or the
    ///   point is not on `curve`.
    package convenience init(ecPublicKeyX x: [UInt8], y: [UInt8], curve: ECCurve) throws(OpenSSLError) {
        guard x.count == curve.coordinateSize, y.count == curve.coordinateSize else {
            throw OpenSSLError(
                operation: "EVPKey(ecPublicKeyX:y:curve:)",
                details: ["coordinates must be \(curve.coordinateSize) bytes each, got \(x.count) and \(y.count)"])
        }
        try self.init(ecUncompressedPoint: [0x04] + x + y, curve: curve)
    }

    /// An EC public key from an uncompressed SEC 1 point (`04 || X || Y`).
    ///
    /// - Throws: ``OpenSSLError`` for a wrong length or prefix, or a point that is not on `curve`.
    package convenience init(ecUncompressedPoint point: [UInt8], curve: ECCurve) throws(OpenSSLError) {
        guard point.count == 1 + 2 * curve.coordinateSize, point.first == 0x04 else {
            throw OpenSSLError(
                operation: "EVPKey(ecUncompressedPoint:curve:)",
                details: ["expected an uncompressed point of \(1 + 2 * curve.coordinateSize) bytes starting with 04"])
        }
        let owned = try ECKeyTemplates.shared.makeKey(curve: curve, point: point)
        try owned.withPointer { pkey throws(OpenSSLError) in try Self.checkPublicKey(pkey) }
        let size = curve.coordinateSize
        self.init(
            owning: owned, kind: .ec(curve), spki: SubjectPublicKeyInfo.encode(.ec(curve, point: point)),
            ecPoint: (Array(point[1...size]), Array(point[(size + 1)...])))
    }

    /// An RSA public key from its modulus and public exponent (unsigned big-endian).
    ///
    /// - Throws: ``OpenSSLError`` for an empty or even modulus or an exponent that is not odd and at least 3.
    package convenience init(rsaModulus n: [UInt8], exponent e: [UInt8]) throws(OpenSSLError) {
        let modulus = Array(n.drop { $0 == 0 })
        let exponent = Array(e.drop { $0 == 0 })
        guard let lastN = modulus.last, lastN & 1 == 1, let lastE = exponent.last, lastE & 1 == 1,
            exponent.count > 1 || lastE >= 3, exponent.count <= modulus.count
        else {
            throw OpenSSLError(
                operation: "EVPKey(rsaModulus:exponent:)",
                details: ["the modulus must be odd and the exponent odd, at least 3 and shorter than the modulus"])
        }
        let builder = try ParamBuilder()
        try builder.pushBigNumber(OSSL_PKEY_PARAM_RSA_N, modulus)
        try builder.pushBigNumber(OSSL_PKEY_PARAM_RSA_E, exponent)
        let params = try builder.build()
        let bits = (modulus.count - 1) * 8 + (8 - modulus[0].leadingZeroBitCount)
        self.init(
            owning: try Self.fromData(type: "RSA", params: params), kind: .rsa(bits: bits),
            spki: SubjectPublicKeyInfo.encode(.rsa(modulus: modulus, exponent: exponent)), rsa: (modulus, exponent))
    }

    /// An Ed25519 public key from its 32 raw bytes (RFC 8032 §5.1.5).
    package convenience init(ed25519PublicKey bytes: [UInt8]) throws(OpenSSLError) {
        try self.init(rawPublicKey: bytes, kind: .ed25519)
    }

    /// An Ed448 public key from its 57 raw bytes (RFC 8032 §5.2.5).
    package convenience init(ed448PublicKey bytes: [UInt8]) throws(OpenSSLError) {
        try self.init(rawPublicKey: bytes, kind: .ed448)
    }

    private convenience init(rawPublicKey bytes: [UInt8], kind: EVPKeyKind) throws(OpenSSLError) {
        let (type, size, name) = kind == .ed25519 ? (EVP_PKEY_ED25519, 32, "Ed25519") : (EVP_PKEY_ED448, 57, "Ed448")
        guard bytes.count == size else {
            throw OpenSSLError(
                operation: "EVPKey(\(name.lowercased())PublicKey:)",
                details: ["an \(name) public key is \(size) bytes, got \(bytes.count)"])
        }
        let pkey = bytes.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(type, nil, $0.baseAddress, $0.count) }
        let owned = try OwnedPointer(pkey, .pkey, operation: "EVP_PKEY_new_raw_public_key")
        let spki = SubjectPublicKeyInfo.encode(kind == .ed25519 ? .ed25519(bytes) : .ed448(bytes))
        self.init(owning: owned, kind: kind, spki: spki, raw: bytes)
    }

    /// A public key from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) that spans all of `der`.
    ///
    /// Canonical encodings of the supported key types are read directly; anything else goes through
    /// OpenSSL's `d2i_PUBKEY` and is then checked the same way.
    package convenience init(subjectPublicKeyInfoDER der: [UInt8]) throws(OpenSSLError) {
        if let components = SubjectPublicKeyInfo.parse(der) {
            try self.init(components: components)
            return
        }
        let pkey = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let start = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = start
            let key = d2i_PUBKEY(nil, &cursor, buffer.count)
            guard let key else { return nil }
            guard let end = cursor, end - start == buffer.count else {
                EVP_PKEY_free(key)
                ERR_clear_error()
                return nil
            }
            return key
        }
        let decoded = try OwnedPointer(pkey, .pkey, operation: "d2i_PUBKEY (whole SubjectPublicKeyInfo)")
        try self.init(components: decoded.withPointer { pkey throws(OpenSSLError) in try Self.components(of: pkey) })
    }

    /// A public key from a `-----BEGIN PUBLIC KEY-----` PEM block (SubjectPublicKeyInfo).
    package convenience init(pem: String) throws(OpenSSLError) {
        try self.init(subjectPublicKeyInfoDER: PEMText.decode(pem, label: "PUBLIC KEY"))
    }

    /// A public key with the parameters of `pkey`, rebuilt and checked like any other: the path for
    /// encodings the Swift reader does not handle, and for the public half of a private key.
    convenience init(publicPartOf pkey: OpaquePointer) throws(OpenSSLError) {
        try self.init(components: Self.components(of: pkey))
    }

    /// A public key from its parameters, checked as the individual initialisers check them.
    convenience init(components: SubjectPublicKeyInfo.Components) throws(OpenSSLError) {
        switch components {
        case .ec(let curve, let point): try self.init(ecUncompressedPoint: point, curve: curve)
        case .rsa(let modulus, let exponent): try self.init(rsaModulus: modulus, exponent: exponent)
        case .ed25519(let raw): try self.init(ed25519PublicKey: raw)
        case .ed448(let raw): try self.init(ed448PublicKey: raw)
        }
    }

    /// Takes over `owned` with parameters that the caller has read and checked.
    private init(
        owning owned: consuming OwnedPointer, kind: EVPKeyKind, spki: [UInt8], ecPoint: (x: [UInt8], y: [UInt8])? = nil,
        rsa: (modulus: [UInt8], exponent: [UInt8])? = nil, raw: [UInt8]? = nil
    ) {
        // Ownership of the EVP_PKEY reference moves from `owned` to this object, which frees it in deinit.
        pkey = owned.release()
        self.kind = kind
        self.spki = spki
        ecPublicPoint = ecPoint
        rsaComponents = rsa
        rawPublicKey = raw
        contexts = VerifyContextPool()
    }

    deinit {
        EVP_PKEY_free(pkey)
    }

    // MARK: - Encodings

    /// The DER SubjectPublicKeyInfo.
    package func subjectPublicKeyInfoDER() -> [UInt8] { spki }

    /// The SubjectPublicKeyInfo as a `PUBLIC KEY` PEM block (64-character lines, trailing newline).
    package func pem() -> String { PEMText.encode(spki, label: "PUBLIC KEY") }

    /// Runs `body` with the `EVP_PKEY`, valid for the duration of the call only.
    func withPKey<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(pkey) }
    }

    package static func == (lhs: EVPKey, rhs: EVPKey) -> Bool { lhs.spki == rhs.spki }
    package func hash(into hasher: inout Hasher) { hasher.combine(spki) }

    // MARK: - Verification

    /// Checks `signature` over `message` under `scheme`.
    ///
    /// - Returns: false for a wrong or malformed signature, or a scheme that does not fit the key. Never traps.
    package func verify(signature: [UInt8], message: [UInt8], scheme: SignatureScheme) -> Bool {
        guard scheme.fits(kind) else { return false }
        guard let digest = scheme.digest else { return verifyPure(signature: signature, message: message) }
        return verify(signature: signature, digest: Digest.hash(digest, message), scheme: scheme)
    }

    /// Checks `signature` over a precomputed `digest` (not for ``SignatureScheme/eddsa``).
    ///
    /// The fast path: `EVP_PKEY_verify` on a context that was initialised once for this key and scheme
    /// and is reused (one context per concurrent caller, from a pool), so no per-call fetch or setup.
    ///
    /// - Returns: false for a wrong or malformed signature, a digest of the wrong length, `.eddsa`, or a
    ///   scheme that does not fit the key. Never traps.
    package func verify(signature: [UInt8], digest: [UInt8], scheme: SignatureScheme) -> Bool {
        guard scheme.fits(kind), let algorithm = scheme.digest, digest.count == algorithm.outputSize,
            !signature.isEmpty
        else { return false }
        guard let context = contexts.take(scheme) ?? VerifyContext(pkey: pkey, scheme: scheme) else { return false }
        let result = context.verify(signature: signature, digest: digest)
        contexts.give(context)
        return result
    }

    /// Pure EdDSA over the whole message (`EVP_DigestVerify` with no digest).
    private func verifyPure(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let mdContext = EVP_MD_CTX_new() else {
            ERR_clear_error()
            return false
        }
        let context = OwnedPointer(taking: mdContext, .digestContext)
        let ok = context.withPointer { context in
            guard EVP_DigestVerifyInit_ex(context, nil, nil, nil, nil, pkey, nil) == 1 else { return false }
            return signature.withUnsafeBufferPointer { signature in
                message.withUnsafeBufferPointer { message in
                    EVP_DigestVerify(context, signature.baseAddress, signature.count, message.baseAddress, message.count)
                }
            } == 1
        }
        if !ok { ERR_clear_error() }
        return ok
    }

    // MARK: - Inspection

    /// The public parameters of `pkey` (any EVP_PKEY with a public key: decoded, generated or a key pair).
    ///
    /// - Throws: ``OpenSSLError`` for a key type or curve this type does not support.
    static func components(of pkey: OpaquePointer) throws(OpenSSLError) -> SubjectPublicKeyInfo.Components {
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_EC:
            var nameBuffer = [CChar](repeating: 0, count: 64)
            var nameLength = 0
            let gotName = nameBuffer.withUnsafeMutableBufferPointer {
                EVP_PKEY_get_group_name(pkey, $0.baseAddress, $0.count, &nameLength)
            }
            guard gotName == 1, let curve = ECCurve(groupName: String(cStringBuffer: nameBuffer)) else {
                OpenSSLError.clearErrorQueue()
                throw OpenSSLError(operation: "EVPKey", details: ["EC key on an unsupported or unnamed curve"])
            }
            // RFC 5480 §2.1.1: only named curves. OpenSSL maps explicit parameters that equal a named curve
            // to its name, so ask whether that happened.
            var explicit: Int32 = 0
            if EVP_PKEY_get_int_param(pkey, OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &explicit) == 1, explicit != 0 {
                throw OpenSSLError(operation: "EVPKey", details: ["EC key with explicit curve parameters"])
            }
            OpenSSLError.clearErrorQueue()
            let x = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_EC_PUB_X, width: curve.coordinateSize)
            let y = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, width: curve.coordinateSize)
            return .ec(curve, point: [0x04] + x + y)
        case EVP_PKEY_RSA:
            let n = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_RSA_N, width: nil)
            let e = try bigNumberParameter(pkey, OSSL_PKEY_PARAM_RSA_E, width: nil)
            return .rsa(modulus: n, exponent: e)
        case EVP_PKEY_ED25519:
            return .ed25519(try rawPublicKey(pkey, size: 32))
        case EVP_PKEY_ED448:
            return .ed448(try rawPublicKey(pkey, size: 57))
        default:
            throw OpenSSLError(
                operation: "EVPKey",
                details: ["unsupported key type \(string(fromC: EVP_PKEY_get0_type_name(pkey)))"])
        }
    }

    /// `EVP_PKEY_fromdata` for a public key of `type` ("EC", "RSA") from `params`.
    private static func fromData(type: String, params: borrowing OwnedParams) throws(OpenSSLError) -> OwnedPointer {
        let context = try OwnedPointer(
            EVP_PKEY_CTX_new_from_name(nil, type, nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_name")
        var pkey: OpaquePointer? = nil
        let ok = context.withPointer { context in
            params.withPointer { params in
                EVP_PKEY_fromdata_init(context) == 1
                    && EVP_PKEY_fromdata(context, &pkey, CLibCrypto_EVP_PKEY_PUBLIC_KEY(), params) == 1
            }
        }
        guard ok else {
            if let pkey { EVP_PKEY_free(pkey) }
            throw OpenSSLError.fromErrorQueue("EVP_PKEY_fromdata (\(type))")
        }
        return try OwnedPointer(pkey, .pkey, operation: "EVP_PKEY_fromdata (\(type))")
    }

    /// `EVP_PKEY_public_check_quick`: for EC, the point is not at infinity, its coordinates are in range and
    /// it is on the curve (the NIST curves have cofactor 1, so the full check's order test adds nothing).
    private static func checkPublicKey(_ pkey: OpaquePointer) throws(OpenSSLError) {
        let context = try OwnedPointer(
            EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil), .pkeyContext, operation: "EVP_PKEY_CTX_new_from_pkey")
        guard context.withPointer({ EVP_PKEY_public_check_quick($0) }) == 1 else {
            throw OpenSSLError.fromErrorQueue("EVP_PKEY_public_check_quick (point not on the curve)")
        }
    }

    private static func bigNumberParameter(_ pkey: OpaquePointer, _ name: String, width: Int?) throws(OpenSSLError)
        -> [UInt8]
    {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, name, &bn) == 1 else {
            throw OpenSSLError.fromErrorQueue("EVP_PKEY_get_bn_param(\(name))")
        }
        // EVP_PKEY_get_bn_param allocated a BIGNUM that we now own.
        let owned = try OwnedPointer(bn, .bigNumber, operation: "EVP_PKEY_get_bn_param(\(name))")
        guard let bytes = owned.withPointer({ bigNumberBytes($0, width: width) }) else {
            throw OpenSSLError(operation: "EVPKey", details: ["parameter \(name) is larger than the curve allows"])
        }
        return bytes
    }

    private static func rawPublicKey(_ pkey: OpaquePointer, size: Int) throws(OpenSSLError) -> [UInt8] {
        var length = size
        var raw = [UInt8](repeating: 0, count: size)
        guard raw.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &length) }) == 1,
            length == size
        else { throw OpenSSLError.fromErrorQueue("EVP_PKEY_get_raw_public_key") }
        return raw
    }

}

/// A `pem_password_cb` that supplies no passphrase, so an encrypted PEM fails instead of prompting on a terminal.
let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
    _, _, _, _ in 0
}
