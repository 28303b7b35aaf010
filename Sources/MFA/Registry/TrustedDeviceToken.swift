internal import OpenSSLWrapper

/// The trusted-device token format: `id.secret`, both lowercase hex (16 and 32 random bytes).
///
/// The store keeps the identifier and SHA-256 of a label, the identifier and the secret. The secret has
/// 256 bits of entropy, so an unkeyed hash cannot be brute-forced; the label and identifier bind the hash
/// to this use and this token.
enum TrustedDeviceToken {
    static let idLength = 16
    static let secretLength = 32
    static let label = Array("KeyBridge trusted device v1".utf8)

    /// A fresh token: its identifier, the hash to store and the text for the client.
    static func issue() -> (id: String, secretHash: [UInt8], token: String) {
        let id = MessageIdentifier.hex(SecureRandom.bytes(idLength))
        let secret = MessageIdentifier.hex(SecureRandom.bytes(secretLength))
        return (id, hash(id: id, secret: secret), id + "." + secret)
    }

    /// The identifier and secret of well-formed token text, or nil.
    static func parse(_ token: String) -> (id: String, secret: String)? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == idLength * 2, parts[1].count == secretLength * 2,
            parts.allSatisfy({ $0.allSatisfy(isLowerHex) })
        else { return nil }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self))
    }

    static func hash(id: String, secret: String) -> [UInt8] {
        Digest.sha256(label + [0] + Array(id.utf8) + [0] + Array(secret.utf8))
    }

    /// Whether `record` is a valid token for `secret`, `account` and the account's generation at `now`;
    /// the hash is compared in constant time.
    static func matches(_ record: TrustedDeviceRecord, secret: String, account: MFAAccount, at now: Int64) -> Bool {
        let hashMatches = constantTimeEquals(hash(id: record.id, secret: secret), record.secretHash)
        return hashMatches && record.accountID == account.id
            && record.configurationGeneration == account.configurationGeneration && now < record.expiresAt
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
