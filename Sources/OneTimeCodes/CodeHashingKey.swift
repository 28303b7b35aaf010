internal import OpenSSLWrapper

/// A server key under which SMS codes and recovery codes are stored: only their HMAC-SHA-256 is kept.
///
/// Codes have little entropy (an SMS code has 20 bits), so a plain hash of one would fall to a brute force
/// at once; keyed with a secret that is not in the database, the stored values reveal nothing. Keep it
/// apart from the database, like ``SecretEncryptionKey``.
public struct CodeHashingKey: Sendable {
    /// The shortest accepted key: 32 bytes.
    public static let minimumLength = 32

    let key: HMACKey

    /// A key with the given bytes.
    ///
    /// - Parameter bytes: At least 32 bytes from a CSPRNG.
    /// - Throws: ``OneTimeCodeError/Code/invalidKey`` for a shorter key, ``OneTimeCodeError/Code/internalError``
    ///   when libcrypto cannot set up the HMAC.
    public init(bytes: [UInt8]) throws(OneTimeCodeError) {
        guard bytes.count >= Self.minimumLength else {
            throw OneTimeCodeError(.invalidKey, "a code hashing key has at least 32 bytes, not \(bytes.count)")
        }
        do {
            key = try HMACKey(.sha256, key: bytes)
        } catch {
            throw OneTimeCodeError(.internalError, "cannot set up HMAC-SHA-256: \(error)")
        }
    }

    /// Reads the key from a file of 32 raw bytes or 64 hexadecimal characters.
    ///
    /// - Parameter path: The key file; the same permission rules as
    ///   ``SecretEncryptionKey/init(contentsOfFile:)``.
    /// - Throws: ``OneTimeCodeError/Code/keyFileUnreadable``, ``OneTimeCodeError/Code/insecureKeyFile`` or
    ///   ``OneTimeCodeError/Code/invalidKey``.
    public init(contentsOfFile path: String) throws(OneTimeCodeError) {
        var bytes = try KeyFile.load(path: path).bytes
        defer { secureZero(&bytes) }
        try self.init(bytes: bytes)
    }

    /// A new random 32-byte key.
    ///
    /// - Returns: The key.
    public static func generate() -> CodeHashingKey {
        var bytes = SecureRandom.bytes(minimumLength)
        defer { secureZero(&bytes) }
        // 32 bytes always pass the length check; the HMAC setup fails only without memory or providers.
        do {
            return try CodeHashingKey(bytes: bytes)
        } catch {
            fatalError("cannot set up HMAC-SHA-256: \(error)")
        }
    }

    /// HMAC-SHA-256 of the length-prefixed `parts` (so no two lists give the same message).
    func authenticationCode(_ parts: [[UInt8]]) -> [UInt8] {
        var message: [UInt8] = []
        for part in parts {
            let length = UInt32(clamping: part.count)
            message += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            message += part
        }
        defer { secureZero(&message) }
        return key.authenticationCode(message)
    }
}
