import CBOR
package import OpenSSLWrapper

extension COSEKey {
    // MARK: - Building the OpenSSL key

    /// An EC key from COSE coordinates; OpenSSL checks the point is on the curve.
    static func ecKey(x: [UInt8], y: [UInt8], curve: COSECurve) throws(WebAuthnError) -> EVPKey {
        let ecCurve: ECCurve
        switch curve {
        case .p256: ecCurve = .p256
        case .p384: ecCurve = .p384
        case .p521: ecCurve = .p521
        case .ed25519, .ed448:
            throw WebAuthnError(.invalidPublicKey, "curve \(curve) is not an EC2 curve")
        }
        // RFC 9053 §7.1.1: leading zero octets are kept, so each coordinate has exactly the curve's size.
        guard x.count == ecCurve.coordinateSize, y.count == ecCurve.coordinateSize else {
            throw WebAuthnError(
                .invalidPublicKey,
                "EC2 coordinates must be \(ecCurve.coordinateSize) bytes each, got \(x.count) and \(y.count)")
        }
        do {
            return try EVPKey(ecPublicKeyX: x, y: y, curve: ecCurve)
        } catch {
            throw WebAuthnError(.invalidPublicKey, "EC2 point rejected: \(error)")
        }
    }

    /// An Ed25519 or Ed448 key from the COSE `x` parameter.
    static func okpKey(x: [UInt8], curve: COSECurve) throws(WebAuthnError) -> EVPKey {
        do {
            switch curve {
            case .ed25519: return try EVPKey(ed25519PublicKey: x)
            case .ed448: return try EVPKey(ed448PublicKey: x)
            case .p256, .p384, .p521: throw WebAuthnError(.invalidPublicKey, "curve \(curve) is not an OKP curve")
            }
        } catch let error as WebAuthnError {
            throw error
        } catch {
            throw WebAuthnError(.invalidPublicKey, "OKP key rejected: \(error)")
        }
    }

    /// An RSA key from COSE `n` and `e`, with the modulus size checked first.
    static func rsaKey(modulus: [UInt8], exponent: [UInt8]) throws(WebAuthnError) -> EVPKey {
        let bits = bitLength(modulus)
        guard bits >= minimumRSAModulusBits else {
            throw WebAuthnError(.keyTooWeak, "RSA modulus has \(bits) bits; at least \(minimumRSAModulusBits) are required")
        }
        guard bits <= maximumRSAModulusBits else {
            throw WebAuthnError(.invalidPublicKey, "RSA modulus has \(bits) bits; at most \(maximumRSAModulusBits) are supported")
        }
        guard !exponent.isEmpty, exponent.count <= 8 else {
            throw WebAuthnError(.invalidPublicKey, "RSA exponent must be 1 to 8 bytes, got \(exponent.count)")
        }
        do {
            return try EVPKey(rsaModulus: modulus, exponent: exponent)
        } catch {
            throw WebAuthnError(.invalidPublicKey, "RSA key rejected: \(error)")
        }
    }

    /// The number of significant bits in an unsigned big-endian integer.
    private static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let index = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - index - 1) * 8 + (8 - bytes[index].leadingZeroBitCount)
    }

    // MARK: - SubjectPublicKeyInfo and PEM

    /// A COSE key for `algorithm` from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    ///
    /// ``encoded`` is then the CTAP2-canonical COSE_Key. The caller names the algorithm explicitly, so
    /// ``COSEAlgorithm/rs1`` is accepted here when asked for.
    ///
    /// - Parameters:
    ///   - subjectPublicKeyInfoDER: The DER SubjectPublicKeyInfo.
    ///   - algorithm: The COSE algorithm the key is for; it must fit the key's type and curve.
    /// - Throws: ``WebAuthnError`` with ``WebAuthnError/Code/invalidPublicKey`` for DER that does not parse
    ///   or a key that does not fit `algorithm`, ``WebAuthnError/Code/unsupportedAlgorithm`` for an unknown
    ///   algorithm and ``WebAuthnError/Code/keyTooWeak`` for RSA under 2048 bits.
    public init(subjectPublicKeyInfoDER: [UInt8], algorithm: COSEAlgorithm) throws(WebAuthnError) {
        let key: EVPKey
        do {
            key = try EVPKey(subjectPublicKeyInfoDER: subjectPublicKeyInfoDER)
        } catch {
            throw WebAuthnError(.invalidPublicKey, "SubjectPublicKeyInfo rejected: \(error)")
        }
        try self.init(evpKey: key, algorithm: algorithm)
    }

    /// A COSE key for `algorithm` from a `-----BEGIN PUBLIC KEY-----` PEM block.
    ///
    /// - Parameters:
    ///   - pem: The PEM text (SubjectPublicKeyInfo).
    ///   - algorithm: The COSE algorithm the key is for.
    /// - Throws: ``WebAuthnError`` as ``init(subjectPublicKeyInfoDER:algorithm:)`` does.
    public init(pem: String, algorithm: COSEAlgorithm) throws(WebAuthnError) {
        let key: EVPKey
        do {
            key = try EVPKey(pem: pem)
        } catch {
            throw WebAuthnError(.invalidPublicKey, "PEM public key rejected: \(error)")
        }
        try self.init(evpKey: key, algorithm: algorithm)
    }

    /// A COSE key for `algorithm` around an existing OpenSSL key, encoding the COSE_Key canonically.
    package init(evpKey key: EVPKey, algorithm: COSEAlgorithm) throws(WebAuthnError) {
        guard algorithm.isSupported else {
            throw WebAuthnError(.unsupportedAlgorithm, "COSE algorithm \(algorithm) is not supported")
        }
        let expected = Self.requirements(for: algorithm)
        var entries: [(CBORValue, CBORValue)] = [
            (CBORValue(Label.keyType), CBORValue(expected.keyType.rawValue)),
            (CBORValue(Label.algorithm), CBORValue(algorithm.rawValue)),
        ]
        let curve: COSECurve?
        switch key.kind {
        case .ec(let ecCurve):
            let found: COSECurve
            switch ecCurve {
            case .p256: found = .p256
            case .p384: found = .p384
            case .p521: found = .p521
            }
            guard expected.keyType == .ec2, expected.curves.contains(found), let point = key.ecPublicPoint else {
                throw WebAuthnError(.invalidPublicKey, "an EC \(found) key does not fit \(algorithm)")
            }
            curve = found
            entries += [
                (CBORValue(Label.curve), CBORValue(found.rawValue)), (CBORValue(Label.x), .bytes(point.x)),
                (CBORValue(Label.y), .bytes(point.y)),
            ]
        case .ed25519, .ed448:
            let found: COSECurve = key.kind == .ed25519 ? .ed25519 : .ed448
            guard expected.keyType == .okp, expected.curves.contains(found), let raw = key.rawPublicKey else {
                throw WebAuthnError(.invalidPublicKey, "an OKP \(found) key does not fit \(algorithm)")
            }
            curve = found
            entries += [(CBORValue(Label.curve), CBORValue(found.rawValue)), (CBORValue(Label.x), .bytes(raw))]
        case .rsa(let bits):
            guard expected.keyType == .rsa, let components = key.rsaComponents else {
                throw WebAuthnError(.invalidPublicKey, "an RSA key does not fit \(algorithm)")
            }
            guard bits >= Self.minimumRSAModulusBits else {
                throw WebAuthnError(.keyTooWeak, "RSA modulus has \(bits) bits; at least \(Self.minimumRSAModulusBits) are required")
            }
            guard bits <= Self.maximumRSAModulusBits else {
                throw WebAuthnError(.invalidPublicKey, "RSA modulus has \(bits) bits; at most \(Self.maximumRSAModulusBits) are supported")
            }
            curve = nil
            entries += [
                (CBORValue(Label.modulus), .bytes(components.modulus)),
                (CBORValue(Label.exponent), .bytes(components.exponent)),
            ]
        }
        self.algorithm = algorithm
        self.keyType = expected.keyType
        self.curve = curve
        self.encoded = CBOREncoder.encode(.map(CBORMap(entries)))
        self.evpKey = key
    }

    /// The key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    public func subjectPublicKeyInfoDER() -> [UInt8] { evpKey.subjectPublicKeyInfoDER() }

    /// The key as a `PUBLIC KEY` PEM block.
    public func pem() -> String { evpKey.pem() }

    // MARK: - Verification

    /// How ``algorithm`` signs: the OpenSSL scheme the verification uses.
    package var signatureScheme: SignatureScheme {
        switch algorithm {
        case .es256: return .ecdsa(.sha256)
        case .es384: return .ecdsa(.sha384)
        case .es512: return .ecdsa(.sha512)
        case .rs256: return .rsaPKCS1v15(.sha256)
        case .rs384: return .rsaPKCS1v15(.sha384)
        case .rs512: return .rsaPKCS1v15(.sha512)
        case .rs1: return .rsaPKCS1v15(.sha1)
        case .ps256: return .rsaPSS(.sha256)
        case .ps384: return .rsaPSS(.sha384)
        case .ps512: return .rsaPSS(.sha512)
        default: return .eddsa  // -8, -19, -53: parsing admits no other algorithm
        }
    }

    /// Checks `signature` over `message` with this key and its ``algorithm``.
    ///
    /// ECDSA signatures are DER (`Ecdsa-Sig-Value`, as WebAuthn L3 §6.5.6 requires); EdDSA signatures are raw;
    /// RSA uses PKCS#1 v1.5 or PSS as the algorithm says.
    ///
    /// - Parameters:
    ///   - signature: The signature bytes.
    ///   - message: The signed bytes (for an assertion, `authenticatorData || SHA-256(clientDataJSON)`).
    /// - Returns: True only when the signature verifies; false for any mismatch or malformed signature.
    public func verifySignature(_ signature: [UInt8], over message: [UInt8]) -> Bool {
        evpKey.verify(signature: signature, message: message, scheme: signatureScheme)
    }
}
