import CBOR
import OpenSSLWrapper

/// The PIN/UV auth protocols of CTAP 2.1 §6.5.6 (one) and §6.5.7 (two), authenticator side.
///
/// Both share the authenticator's P-256 key-agreement key; they differ in how the shared secret is derived
/// from the ECDH result and in how encrypt, decrypt and authenticate work.
enum PINUVAuthProtocol: Int, CaseIterable, Sendable {
    case one = 1
    case two = 2

    /// The protocol a request names in `pinUvAuthProtocol`; an unknown number is
    /// ``CTAP2Status/invalidParameter`` (CTAP 2.1 §6.5.5.1).
    init(requested: Int) throws(CTAP2Status) {
        guard let known = PINUVAuthProtocol(rawValue: requested) else { throw CTAP2Status.invalidParameter }
        self = known
    }

    // MARK: - Key agreement

    /// The authenticator's key-agreement public key as a COSE_Key with alg -25 (ECDH-ES+HKDF-256), as
    /// getKeyAgreement returns it (CTAP 2.1 §6.5.6 getPublicKey).
    static func coseKeyAgreement(_ key: EVPPrivateKey) -> CBORValue {
        let point = key.publicKey.ecPublicPoint ?? (x: [], y: [])
        return .map(intKeyedMap([
            (1, CBORValue(2)), (3, CBORValue(-25)), (-1, CBORValue(1)), (-2, .bytes(point.x)), (-3, .bytes(point.y)),
        ]))
    }

    /// The platform's key-agreement key from its COSE_Key: EC2 on P-256 with valid coordinates, else
    /// ``CTAP2Status/invalidParameter``.
    static func platformKey(_ value: CBORValue) throws(CTAP2Status) -> EVPKey {
        guard let map = value.mapValue else { throw CTAP2Status.cborUnexpectedType }
        guard map[int: 1]?.intValue == 2, map[int: -1]?.intValue == 1, let x = map[int: -2]?.bytesValue,
            let y = map[int: -3]?.bytesValue
        else { throw CTAP2Status.invalidParameter }
        do {
            return try EVPKey(ecPublicKeyX: x, y: y, curve: .p256)
        } catch {
            throw CTAP2Status.invalidParameter
        }
    }

    /// The shared secret with the platform (CTAP 2.1 §6.5.6 and §6.5.7 `ecdh`): SHA-256(Z) for protocol one;
    /// for protocol two, HKDF-SHA-256 with a zero salt, info "CTAP2 HMAC key" then "CTAP2 AES key", 64 bytes.
    func sharedSecret(authenticatorKey: EVPPrivateKey, platformKey: EVPKey) throws(CTAP2Status) -> [UInt8] {
        let z: [UInt8]
        do {
            z = try authenticatorKey.ecdhSharedSecret(with: platformKey)
        } catch {
            throw CTAP2Status.invalidParameter
        }
        switch self {
        case .one:
            return Digest.sha256(z)
        case .two:
            let salt = [UInt8](repeating: 0, count: 32)
            guard
                let hmacKey = HKDF.deriveKey(
                    .sha256, inputKeyMaterial: z, salt: salt, info: Array("CTAP2 HMAC key".utf8), outputByteCount: 32),
                let aesKey = HKDF.deriveKey(
                    .sha256, inputKeyMaterial: z, salt: salt, info: Array("CTAP2 AES key".utf8), outputByteCount: 32)
            else { throw CTAP2Status.other }
            return hmacKey + aesKey
        }
    }

    // MARK: - Encryption

    /// Encrypts `plaintext` (whole AES blocks) under the shared secret.
    ///
    /// Protocol one: AES-256-CBC with a zero IV. Protocol two: a random IV, AES-256-CBC under the AES half of
    /// the shared secret, and the IV prepended.
    func encrypt(sharedSecret: [UInt8], _ plaintext: [UInt8]) throws(CTAP2Status) -> [UInt8] {
        do {
            switch self {
            case .one:
                return try AESCBC.encrypt(plaintext, key: sharedSecret, iv: [UInt8](repeating: 0, count: 16))
            case .two:
                let iv = SecureRandom.bytes(16)
                return try iv + AESCBC.encrypt(plaintext, key: Array(sharedSecret.suffix(32)), iv: iv)
            }
        } catch {
            throw CTAP2Status.other
        }
    }

    /// Decrypts `ciphertext` under the shared secret; a length that is not whole blocks (plus the IV for
    /// protocol two) is ``CTAP2Status/invalidParameter``.
    func decrypt(sharedSecret: [UInt8], _ ciphertext: [UInt8]) throws(CTAP2Status) -> [UInt8] {
        do {
            switch self {
            case .one:
                guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw CTAP2Status.invalidParameter }
                return try AESCBC.decrypt(ciphertext, key: sharedSecret, iv: [UInt8](repeating: 0, count: 16))
            case .two:
                guard ciphertext.count > 16, ciphertext.count % 16 == 0 else { throw CTAP2Status.invalidParameter }
                return try AESCBC.decrypt(
                    Array(ciphertext.dropFirst(16)), key: Array(sharedSecret.suffix(32)), iv: Array(ciphertext.prefix(16)))
            }
        } catch let status as CTAP2Status {
            throw status
        } catch {
            throw CTAP2Status.invalidParameter
        }
    }

    // MARK: - Authentication

    /// `authenticate(key, message)`: HMAC-SHA-256, truncated to 16 bytes for protocol one; for protocol two
    /// under the first 32 bytes of `key` (the HMAC half of a shared secret, or the whole pinUvAuthToken).
    func authenticate(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        switch self {
        case .one:
            return Array(HMAC.authenticationCode(.sha256, key: key, message: message).prefix(16))
        case .two:
            return HMAC.authenticationCode(.sha256, key: Array(key.prefix(32)), message: message)
        }
    }

    /// `verify(key, message, signature)`: whether `signature` is `authenticate(key, message)`, compared in
    /// constant time.
    func verify(key: [UInt8], _ message: [UInt8], signature: [UInt8]) -> Bool {
        constantTimeEquals(authenticate(key: key, message), signature)
    }
}
