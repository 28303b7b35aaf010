import CBOR
import OpenSSLWrapper

/// The credential algorithms the authenticator implements, with their COSE identifiers (RFC 9053).
enum CredentialAlgorithm: UInt8, CaseIterable, Sendable {
    /// ECDSA over P-256 with SHA-256 (COSE -7).
    case es256 = 0
    /// EdDSA over Ed25519 (COSE -8).
    case eddsa = 1

    /// The COSE algorithm identifier.
    var coseIdentifier: Int {
        switch self {
        case .es256: return -7
        case .eddsa: return -8
        }
    }

    /// The algorithm for a COSE identifier, or nil when it is not implemented.
    init?(coseIdentifier: Int) {
        switch coseIdentifier {
        case -7: self = .es256
        case -8: self = .eddsa
        default: return nil
        }
    }

    /// The signature scheme: DER ECDSA with SHA-256, or pure Ed25519.
    var scheme: SignatureScheme {
        switch self {
        case .es256: return .ecdsa(.sha256)
        case .eddsa: return .eddsa
        }
    }
}

/// A credential private key, rebuilt from its 32-byte secret: the P-256 scalar or the Ed25519 seed.
///
/// The secret travels inside the wrapped credential ID (see ``KeyHandle``), so the authenticator stores no
/// per-credential key material.
struct CredentialKey {
    let algorithm: CredentialAlgorithm
    let secret: [UInt8]
    let privateKey: EVPPrivateKey

    /// A fresh random key for `algorithm`.
    static func generate(_ algorithm: CredentialAlgorithm) throws(CTAP2Status) -> CredentialKey {
        // A random 32-byte string is a valid P-256 scalar unless it is 0 or at least n (probability about 2^-32);
        // draw again in that case.
        for _ in 0..<8 {
            let secret = SecureRandom.bytes(32)
            if let key = try? CredentialKey(algorithm: algorithm, secret: secret) { return key }
        }
        throw CTAP2Status.other
    }

    /// The key with `secret` (32 bytes).
    init(algorithm: CredentialAlgorithm, secret: [UInt8]) throws(CTAP2Status) {
        self.algorithm = algorithm
        self.secret = secret
        do {
            switch algorithm {
            case .es256: privateKey = try EVPPrivateKey(ecPrivateScalar: secret, curve: .p256)
            case .eddsa: privateKey = try EVPPrivateKey(ed25519Seed: secret)
            }
        } catch {
            throw CTAP2Status.invalidCredential
        }
    }

    /// The public key as a COSE_Key (RFC 9052 §7): EC2 P-256 for ES256, OKP Ed25519 for EdDSA.
    var coseKey: CBORValue {
        switch algorithm {
        case .es256:
            let point = privateKey.publicKey.ecPublicPoint ?? (x: [], y: [])
            return .map(intKeyedMap([
                (1, CBORValue(2)), (3, CBORValue(-7)), (-1, CBORValue(1)), (-2, .bytes(point.x)), (-3, .bytes(point.y)),
            ]))
        case .eddsa:
            return .map(intKeyedMap([
                (1, CBORValue(1)), (3, CBORValue(-8)), (-1, CBORValue(6)),
                (-2, .bytes(privateKey.publicKey.rawPublicKey ?? [])),
            ]))
        }
    }

    /// The uncompressed P-256 point `04 || X || Y` (for U2F), or nil for an Ed25519 key.
    var uncompressedPoint: [UInt8]? {
        guard algorithm == .es256, let point = privateKey.publicKey.ecPublicPoint else { return nil }
        return [0x04] + point.x + point.y
    }

    /// Signs `message` (DER ECDSA or raw Ed25519).
    func sign(_ message: [UInt8]) throws(CTAP2Status) -> [UInt8] {
        do {
            return try privateKey.sign(message: message, scheme: algorithm.scheme)
        } catch {
            throw CTAP2Status.other
        }
    }
}

/// The contents of a credential ID: the key, whether it is discoverable, and its extension settings.
///
/// A credential ID is `version (1) || nonce (12) || AES-256-GCM(masterKey, secret (32) || algorithm (1) ||
/// flags (1)) || tag (16)`, 63 bytes, with `version || rpIdHash` as additional data: it opens only on this
/// authenticator (until a reset replaces the master key) and only for the relying party it was made for.
struct KeyHandle {
    /// The format version byte.
    static let version: UInt8 = 0x01
    /// The length of every credential ID this authenticator makes.
    static let length = 1 + AESGCM.nonceSize + 34 + AESGCM.tagSize

    let key: CredentialKey
    /// Whether the credential is discoverable (and so must also be in the resident store).
    let discoverable: Bool
    /// Whether the credential was made with the hmac-secret extension.
    let hmacSecret: Bool
    /// The credProtect level (1, 2 or 3).
    let credProtect: Int

    /// Seals the handle for `rpIDHash` under `masterKey`.
    func seal(rpIDHash: [UInt8], masterKey: [UInt8]) throws(CTAP2Status) -> [UInt8] {
        var flags: UInt8 = 0
        if discoverable { flags |= 0x01 }
        if hmacSecret { flags |= 0x02 }
        flags |= UInt8(credProtect & 0x03) << 2
        let nonce = SecureRandom.bytes(AESGCM.nonceSize)
        do {
            let sealed = try AESGCM.seal(
                key.secret + [key.algorithm.rawValue, flags], key: masterKey, nonce: nonce,
                authenticating: [Self.version] + rpIDHash)
            return [Self.version] + nonce + sealed.ciphertext + sealed.tag
        } catch {
            throw CTAP2Status.other
        }
    }

    /// Opens `credentialID` for `rpIDHash`, or returns nil when it is not one of this authenticator's
    /// credential IDs for that relying party.
    static func open(_ credentialID: [UInt8], rpIDHash: [UInt8], masterKey: [UInt8]) -> KeyHandle? {
        guard credentialID.count == length, credentialID[0] == version else { return nil }
        let nonce = Array(credentialID[1..<(1 + AESGCM.nonceSize)])
        let ciphertext = Array(credentialID[(1 + AESGCM.nonceSize)..<(length - AESGCM.tagSize)])
        let tag = Array(credentialID[(length - AESGCM.tagSize)...])
        guard
            let plaintext = try? AESGCM.open(
                ciphertext, tag: tag, key: masterKey, nonce: nonce, authenticating: [version] + rpIDHash),
            plaintext.count == 34, let algorithm = CredentialAlgorithm(rawValue: plaintext[32]),
            let key = try? CredentialKey(algorithm: algorithm, secret: Array(plaintext[0..<32]))
        else { return nil }
        let flags = plaintext[33]
        let level = Int((flags >> 2) & 0x03)
        return KeyHandle(
            key: key, discoverable: flags & 0x01 != 0, hmacSecret: flags & 0x02 != 0,
            credProtect: level == 0 ? 1 : level)
    }
}
