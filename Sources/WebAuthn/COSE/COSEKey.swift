public import CBOR
package import OpenSSLWrapper

/// A credential public key in COSE_Key form (RFC 9052 §7), checked and ready to verify signatures.
///
/// Parsing checks what WebAuthn L3 §5.8.5 and §6.5.1.1 and the COSE specifications (RFC 9052, RFC 9053,
/// RFC 8230, RFC 9864) require of a public key: an `alg` that is present and known; `kty` and `crv` that
/// agree with it (ES256 EC2 P-256, ES384 EC2 P-384, ES512 EC2 P-521, EdDSA OKP Ed25519 or Ed448, Ed25519
/// OKP Ed25519, Ed448 OKP Ed448, RSA algorithms kty RSA); uncompressed EC points with coordinates of the
/// curve's size that lie on the curve; an RSA modulus of at least 2048 bits; and no private parameter.
///
/// EdDSA (-8) accepts Ed448 as well as Ed25519, as RFC 9053 §2.2 allows (WebAuthn L3 §5.8.5 names only
/// Ed25519 for -8). Optional parameters such as `kid` are ignored. The OpenSSL key object is built once here and reused by every
/// ``verifySignature(_:over:)``.
///
/// ```swift
/// let key = try COSEKey(encoded: attestedCredentialData.credentialPublicKey)
/// let valid = key.verifySignature(signature, over: authenticatorData + clientDataHash)
/// ```
public struct COSEKey: Sendable, Hashable {
    /// The signature algorithm (`alg`, label 3).
    public let algorithm: COSEAlgorithm
    /// The key type (`kty`, label 1).
    public let keyType: COSEKeyType
    /// The curve (`crv`, label -1) of an EC2 or OKP key; nil for RSA.
    public let curve: COSECurve?
    /// The COSE_Key bytes: as received when parsed from bytes, CTAP2-canonical when made from SubjectPublicKeyInfo.
    public let encoded: [UInt8]
    /// The OpenSSL key, built once at parse and shared by every verification.
    package let evpKey: EVPKey

    // COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7.1-7.2, RFC 8230 §4).
    enum Label {
        static let keyType = 1
        static let algorithm = 3
        static let curve = -1  // EC2, OKP
        static let x = -2  // EC2, OKP
        static let y = -3  // EC2
        static let d = -4  // EC2, OKP private key
        static let modulus = -1  // RSA n
        static let exponent = -2  // RSA e
        static let rsaPrivateParameters = -12 ... -3  // RSA d, p, q, dP, dQ, qInv, other, r_i, d_i, t_i
    }

    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSAModulusBits = 2048
    /// The largest RSA modulus accepted, in bits (OpenSSL verifies nothing larger).
    public static let maximumRSAModulusBits = 16384

    /// Parses and checks a COSE_Key that spans all of `encoded`.
    ///
    /// The CBOR must be valid under the strict decoder (definite lengths, shortest forms, no duplicate
    /// keys) with no trailing bytes. Recently parsed keys are remembered by their bytes, so parsing a
    /// stored credential's key again for each assertion costs a lookup, not a new OpenSSL key.
    ///
    /// - Parameters:
    ///   - encoded: The COSE_Key bytes, for example ``AttestedCredentialData/credentialPublicKey``.
    ///   - allowRS1: Whether to accept ``COSEAlgorithm/rs1`` (RSASSA-PKCS1-v1_5 with SHA-1).
    /// - Throws: ``WebAuthnError`` with ``WebAuthnError/Code/invalidCBOR`` for bytes that do not decode,
    ///   ``WebAuthnError/Code/unsupportedAlgorithm`` for an unknown `alg`, ``WebAuthnError/Code/algorithmNotAllowed``
    ///   for RS1 without `allowRS1`, ``WebAuthnError/Code/invalidPublicKey`` for a malformed key or one whose
    ///   `kty`/`crv` disagree with `alg`, and ``WebAuthnError/Code/keyTooWeak`` for RSA under 2048 bits.
    public init(encoded: [UInt8], allowRS1: Bool = false) throws(WebAuthnError) {
        // A key parsed before from the same bytes is reused with its OpenSSL key (see COSEKeyCache).
        if let cached = COSEKeyCache.shared.key(for: encoded, allowRS1: allowRS1) {
            self = cached
            return
        }
        let value: CBORValue
        do {
            value = try CBORDecoder().decode(encoded)
        } catch {
            throw WebAuthnError(.invalidCBOR, "COSE_Key: \(error)")
        }
        guard let map = value.mapValue else {
            throw WebAuthnError(.invalidPublicKey, "COSE_Key is not a CBOR map")
        }
        try self.init(map: map, encoded: encoded, allowRS1: allowRS1)
        COSEKeyCache.shared.insert(self, allowRS1: allowRS1)
    }

    /// Checks an already decoded COSE_Key.
    ///
    /// - Parameters:
    ///   - map: The decoded COSE_Key map.
    ///   - encoded: The bytes `map` was decoded from, kept as ``encoded``.
    ///   - allowRS1: Whether to accept ``COSEAlgorithm/rs1``.
    /// - Throws: ``WebAuthnError`` as ``init(encoded:allowRS1:)`` does (except ``WebAuthnError/Code/invalidCBOR``).
    public init(map: CBORMap, encoded: [UInt8], allowRS1: Bool = false) throws(WebAuthnError) {
        // alg (label 3): WebAuthn L3 §6.5.1.1 requires it in a credential public key.
        guard let algorithmValue = map[int: Label.algorithm] else {
            throw WebAuthnError(.invalidPublicKey, "COSE_Key has no alg (label 3)")
        }
        guard let algorithmNumber = algorithmValue.intValue else {
            throw WebAuthnError(.unsupportedAlgorithm, "COSE_Key alg is not an integer")
        }
        let algorithm = COSEAlgorithm(rawValue: algorithmNumber)
        guard algorithm.isSupported else {
            throw WebAuthnError(.unsupportedAlgorithm, "COSE algorithm \(algorithm) is not supported")
        }
        if algorithm == .rs1 && !allowRS1 {
            throw WebAuthnError(.algorithmNotAllowed, "RS1 (RSASSA-PKCS1-v1_5 with SHA-1) is not allowed")
        }
        guard let keyTypeNumber = map[int: Label.keyType]?.intValue else {
            throw WebAuthnError(.invalidPublicKey, "COSE_Key has no integer kty (label 1)")
        }
        let expected = Self.requirements(for: algorithm)
        guard keyTypeNumber == expected.keyType.rawValue else {
            throw WebAuthnError(
                .invalidPublicKey, "COSE_Key kty \(keyTypeNumber) does not match \(algorithm) (needs \(expected.keyType.rawValue))")
        }

        let key: EVPKey
        var curve: COSECurve? = nil
        switch expected.keyType {
        case .ec2, .okp:
            guard let curveNumber = map[int: Label.curve]?.intValue else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key has no integer crv (label -1)")
            }
            guard let found = COSECurve(rawValue: curveNumber), expected.curves.contains(found) else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key crv \(curveNumber) does not match \(algorithm)")
            }
            guard map[int: Label.d] == nil else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key carries a private key (label -4)")
            }
            guard let x = map[int: Label.x]?.bytesValue else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key has no byte-string x (label -2)")
            }
            curve = found
            if expected.keyType == .ec2 {
                // RFC 9053 §7.1.1: y may be a boolean (point compression); WebAuthn authenticators send
                // uncompressed points, and this verifier accepts only those.
                guard let y = map[int: Label.y]?.bytesValue else {
                    throw WebAuthnError(.invalidPublicKey, "COSE_Key has no byte-string y (label -3)")
                }
                key = try Self.ecKey(x: x, y: y, curve: found)
            } else {
                key = try Self.okpKey(x: x, curve: found)
            }
        case .rsa:
            guard !map.contains(where: { Label.rsaPrivateParameters.contains($0.key.intValue ?? 0) }) else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key carries RSA private parameters")
            }
            guard let n = map[int: Label.modulus]?.bytesValue, let e = map[int: Label.exponent]?.bytesValue else {
                throw WebAuthnError(.invalidPublicKey, "COSE_Key has no byte-string n (label -1) and e (label -2)")
            }
            key = try Self.rsaKey(modulus: n, exponent: e)
        }
        self.algorithm = algorithm
        self.keyType = expected.keyType
        self.curve = curve
        self.encoded = encoded
        self.evpKey = key
    }

    /// The key type and curves that `algorithm` requires (RFC 9053 §2, RFC 9864 §2.2, RFC 8812 §2).
    static func requirements(for algorithm: COSEAlgorithm) -> (keyType: COSEKeyType, curves: [COSECurve]) {
        switch algorithm {
        case .es256: return (.ec2, [.p256])
        case .es384: return (.ec2, [.p384])
        case .es512: return (.ec2, [.p521])
        case .eddsa: return (.okp, [.ed25519, .ed448])
        case .ed25519: return (.okp, [.ed25519])
        case .ed448: return (.okp, [.ed448])
        default: return (.rsa, [])
        }
    }

    public static func == (lhs: COSEKey, rhs: COSEKey) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.encoded == rhs.encoded
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(encoded)
    }
}
