internal import OpenSSLWrapper

/// A server key that encrypts one-time-code secrets at rest with AES-256-GCM.
///
/// A database stolen without this key reveals no secret. Each ``seal(_:associatedData:)`` draws a fresh
/// random 96-bit nonce and binds the ciphertext to associated data, such as the account and method
/// identifiers from ``associatedData(accountID:methodID:)``: a ciphertext copied into another row does not
/// open there.
///
/// The sealed format is `0x01 ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the version byte is
/// authenticated too.
///
/// - Warning: Keep the key outside the database, for example in a key file read by
///   ``init(contentsOfFile:)``. Nonces are random, so rotate the key well before 2^32 seals (NIST SP 800-38D
///   §8.3).
public struct SecretEncryptionKey: Sendable {
    /// The key length: 32 bytes (AES-256).
    public static let keyLength = 32
    static let formatVersion: UInt8 = 1

    let storage: SecretBytes

    /// A key with the given 32 bytes.
    ///
    /// - Parameter bytes: 32 bytes from a CSPRNG.
    /// - Throws: ``OneTimeCodeError/Code/invalidKey`` for another length.
    public init(bytes: [UInt8]) throws(OneTimeCodeError) {
        guard bytes.count == Self.keyLength else {
            throw OneTimeCodeError(.invalidKey, "an AES-256 key is 32 bytes, not \(bytes.count)")
        }
        storage = SecretBytes(copying: bytes)
    }

    /// Reads the key from a file of 32 raw bytes or 64 hexadecimal characters.
    ///
    /// - Parameter path: The key file. Its mode must give other users no access and the group no write
    ///   access (0600 is right); symbolic links are followed.
    /// - Throws: ``OneTimeCodeError/Code/keyFileUnreadable``, ``OneTimeCodeError/Code/insecureKeyFile`` or
    ///   ``OneTimeCodeError/Code/invalidKey``.
    public init(contentsOfFile path: String) throws(OneTimeCodeError) {
        storage = try KeyFile.load(path: path)
    }

    /// A new random key (to be written to a key file by the caller).
    ///
    /// - Returns: 32 bytes from the CSPRNG.
    public static func generate() -> SecretEncryptionKey {
        var bytes = SecureRandom.bytes(keyLength)
        return SecretEncryptionKey(storage: SecretBytes(consuming: &bytes))
    }

    private init(storage: SecretBytes) {
        self.storage = storage
    }

    /// A copy of the key bytes, for writing a key file.
    ///
    /// - Warning: The copy is an ordinary array; clear it when done.
    public var bytes: [UInt8] { storage.bytes }

    /// Encrypts `plaintext` under a fresh random nonce, bound to `associatedData`.
    ///
    /// - Parameters:
    ///   - plaintext: The secret bytes.
    ///   - associatedData: Bytes that must be presented again to open, for example
    ///     ``associatedData(accountID:methodID:)``.
    /// - Returns: `0x01 ‖ nonce ‖ ciphertext ‖ tag`.
    /// - Throws: ``OneTimeCodeError/Code/internalError`` when libcrypto fails.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(OneTimeCodeError) -> [UInt8] {
        try seal(plaintext, associatedData: associatedData, nonce: SecureRandom.bytes(AESGCM.nonceSize))
    }

    /// ``seal(_:associatedData:)`` with a chosen nonce (tests only: a repeated nonce breaks GCM).
    package func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8]) throws(OneTimeCodeError)
        -> [UInt8]
    {
        do {
            var key = storage.bytes
            defer { secureZero(&key) }
            let sealed = try AESGCM.seal(
                plaintext, key: key, nonce: nonce, authenticating: [Self.formatVersion] + associatedData)
            return [Self.formatVersion] + nonce + sealed.ciphertext + sealed.tag
        } catch {
            throw OneTimeCodeError(.internalError, "AES-GCM seal failed: \(error)")
        }
    }

    /// Checks and decrypts what ``seal(_:associatedData:)`` produced.
    ///
    /// - Parameters:
    ///   - sealed: `0x01 ‖ nonce ‖ ciphertext ‖ tag`.
    ///   - associatedData: The same bytes given to seal.
    /// - Returns: The plaintext.
    /// - Throws: ``OneTimeCodeError/Code/decryptionFailed`` for a wrong key, wrong associated data, a
    ///   tampered or truncated input, or an unknown format version.
    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(OneTimeCodeError) -> [UInt8] {
        let overhead = 1 + AESGCM.nonceSize + AESGCM.tagSize
        guard sealed.count >= overhead, sealed[0] == Self.formatVersion else {
            throw OneTimeCodeError(.decryptionFailed, "not a sealed secret of format version \(Self.formatVersion)")
        }
        let nonce = Array(sealed[1..<(1 + AESGCM.nonceSize)])
        let ciphertext = Array(sealed[(1 + AESGCM.nonceSize)..<(sealed.count - AESGCM.tagSize)])
        let tag = Array(sealed[(sealed.count - AESGCM.tagSize)...])
        do {
            var key = storage.bytes
            defer { secureZero(&key) }
            return try AESGCM.open(
                ciphertext, tag: tag, key: key, nonce: nonce, authenticating: [Self.formatVersion] + associatedData)
        } catch {
            throw OneTimeCodeError(.decryptionFailed, "the sealed secret does not open with this key and associated data")
        }
    }

    /// Seals an OTP secret.
    ///
    /// - Parameters:
    ///   - secret: The secret.
    ///   - associatedData: See ``seal(_:associatedData:)``.
    /// - Returns: The sealed bytes to store.
    /// - Throws: ``OneTimeCodeError/Code/internalError`` when libcrypto fails.
    public func seal(_ secret: OTPSecret, associatedData: [UInt8]) throws(OneTimeCodeError) -> [UInt8] {
        var bytes = secret.bytes
        defer { secureZero(&bytes) }
        return try seal(bytes, associatedData: associatedData)
    }

    /// Opens a sealed OTP secret.
    ///
    /// - Parameters:
    ///   - sealed: What ``seal(_:associatedData:)-(OTPSecret,_)`` returned.
    ///   - associatedData: The same bytes given to seal.
    /// - Returns: The secret.
    /// - Throws: ``OneTimeCodeError/Code/decryptionFailed``, or ``OneTimeCodeError/Code/invalidSecret`` when
    ///   the plaintext is not a usable secret.
    public func openSecret(_ sealed: [UInt8], associatedData: [UInt8]) throws(OneTimeCodeError) -> OTPSecret {
        var bytes = try open(sealed, associatedData: associatedData)
        defer { secureZero(&bytes) }
        return try OTPSecret(uncheckedBytes: bytes)
    }

    /// Associated data naming one stored method: each identifier's UTF-8 length (4 bytes, big-endian) and
    /// bytes, after a fixed label, so no two (account, method) pairs give the same bytes.
    ///
    /// - Parameters:
    ///   - accountID: The account's identifier.
    ///   - methodID: The method's identifier.
    /// - Returns: The bytes to pass as associated data.
    public static func associatedData(accountID: String, methodID: String) -> [UInt8] {
        var data = Array("KeyBridge OTP secret v1".utf8)
        for part in [accountID, methodID] {
            let bytes = Array(part.utf8)
            let length = UInt32(clamping: bytes.count)
            data += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            data += bytes
        }
        return data
    }
}
