import Glibc
public import OneTimeCodes
internal import OpenSSLWrapper

/// The two server keys the registry needs, kept apart from the database.
///
/// ``secretEncryptionKey`` seals authenticator-app secrets (AES-256-GCM); ``codeHashingKey`` keys the HMACs
/// under which SMS codes and recovery codes are stored. A database stolen without these keys reveals no
/// secret and no code.
///
/// A deployment can keep both in one key file: ``init(contentsOfFile:)`` reads a 32-byte master key and
/// derives the two keys from it with HMAC-SHA-256 under fixed, distinct labels, so neither key is ever
/// used for two purposes.
public struct MFAServerKeys: Sendable {
    /// Seals TOTP secrets at rest.
    public let secretEncryptionKey: SecretEncryptionKey
    /// Keys the HMACs of SMS codes and recovery codes.
    public let codeHashingKey: CodeHashingKey

    static let encryptionLabel = Array("KeyBridge MFA secret encryption key v1".utf8)
    static let hashingLabel = Array("KeyBridge MFA code hashing key v1".utf8)

    /// Keys the caller supplies.
    ///
    /// - Parameters:
    ///   - secretEncryptionKey: The AES-256 key for TOTP secrets.
    ///   - codeHashingKey: The HMAC key for SMS and recovery codes.
    public init(secretEncryptionKey: SecretEncryptionKey, codeHashingKey: CodeHashingKey) {
        self.secretEncryptionKey = secretEncryptionKey
        self.codeHashingKey = codeHashingKey
    }

    /// Both keys derived from one 32-byte master key.
    ///
    /// - Parameter masterKey: 32 bytes from a CSPRNG.
    /// - Throws: ``MFAError/Code/invalidKey`` for a key that is not 32 bytes.
    public init(masterKey: [UInt8]) throws(MFAError) {
        guard masterKey.count == SecretEncryptionKey.keyLength else {
            throw MFAError(.invalidKey, "a master key is 32 bytes, not \(masterKey.count)")
        }
        var encryption = HMAC.authenticationCode(.sha256, key: masterKey, message: Self.encryptionLabel)
        var hashing = HMAC.authenticationCode(.sha256, key: masterKey, message: Self.hashingLabel)
        defer {
            secureZero(&encryption)
            secureZero(&hashing)
        }
        do throws(OneTimeCodeError) {
            secretEncryptionKey = try SecretEncryptionKey(bytes: encryption)
            codeHashingKey = try CodeHashingKey(bytes: hashing)
        } catch {
            throw MFAError(.invalidKey, "cannot derive the server keys: \(error.code)")
        }
    }

    /// Both keys derived from the master key in a key file.
    ///
    /// - Parameter path: A regular file holding 32 raw bytes or 64 hexadecimal characters, with no access
    ///   for other users and no write access for the group (mode 0600 is right).
    /// - Throws: ``MFAError/Code/invalidKey`` when the file is missing, unreadable, open to other users, or
    ///   not a 32-byte key.
    public init(contentsOfFile path: String) throws(MFAError) {
        let master: SecretEncryptionKey
        do throws(OneTimeCodeError) {
            master = try SecretEncryptionKey(contentsOfFile: path)
        } catch {
            throw MFAError(.invalidKey, "the key file \(path) cannot be used (\(error.code)): \(error.reason)")
        }
        var bytes = master.bytes
        defer { secureZero(&bytes) }
        try self.init(masterKey: bytes)
    }

    /// Writes a new random master key to a new key file (64 hexadecimal characters and a newline, mode
    /// 0600) and returns the keys derived from it.
    ///
    /// - Parameter path: Where to create the file; it must not exist yet.
    /// - Returns: The keys.
    /// - Throws: ``MFAError/Code/alreadyExists`` when the file exists, ``MFAError/Code/invalidKey`` when it
    ///   cannot be created or written.
    public static func createKeyFile(atPath path: String) throws(MFAError) -> MFAServerKeys {
        var master = SecureRandom.bytes(SecretEncryptionKey.keyLength)
        defer { secureZero(&master) }
        var text = Array(MessageIdentifier.hex(master).utf8) + [0x0A]
        defer { secureZero(&text) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw MFAError(.alreadyExists, "the key file \(path) exists; it is never overwritten") }
            throw MFAError(.invalidKey, "cannot create the key file \(path): errno \(errno)")
        }
        var written = 0
        while written < text.count {
            let count = text.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(path)
                throw MFAError(.invalidKey, "cannot write the key file \(path): errno \(code)")
            }
            written += count
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced else {
            unlink(path)
            throw MFAError(.invalidKey, "cannot sync the key file \(path)")
        }
        return try MFAServerKeys(masterKey: master)
    }
}
