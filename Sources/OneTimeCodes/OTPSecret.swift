internal import OpenSSLWrapper

/// The shared secret of a HOTP or TOTP generator.
///
/// The bytes live in a buffer that is cleared when the last copy of the secret goes away. Its
/// `description` never shows the secret. Equality compares in constant time.
public struct OTPSecret: Sendable, Equatable, CustomStringConvertible {
    /// The shortest secret accepted: 128 bits (RFC 4226 §4 requirement R6).
    public static let minimumLength = 16
    /// The longest secret accepted (far beyond any real one; bounds the work an imported secret can cause).
    public static let maximumLength = 1024

    let storage: SecretBytes

    /// A fresh secret from the CSPRNG, as long as ``OTPAlgorithm/recommendedSecretLength``.
    ///
    /// 160 bits for SHA-1, 256 for SHA-256 and 512 for SHA-512.
    ///
    /// - Parameter algorithm: The HMAC the secret is for.
    /// - Returns: A new secret.
    public static func generate(for algorithm: OTPAlgorithm = .sha1) -> OTPSecret {
        generate(for: algorithm, random: .system)
    }

    /// A fresh secret from `random` (tests inject a fixed source).
    package static func generate(for algorithm: OTPAlgorithm, random: RandomSource) -> OTPSecret {
        var bytes = random.bytes(algorithm.recommendedSecretLength)
        return OTPSecret(storage: SecretBytes(consuming: &bytes))
    }

    /// A secret with the given bytes.
    ///
    /// - Parameter bytes: At least ``minimumLength`` and at most ``maximumLength`` bytes.
    /// - Throws: ``OneTimeCodeError/Code/invalidSecret`` for a length outside those bounds.
    public init(bytes: [UInt8]) throws(OneTimeCodeError) {
        guard bytes.count >= Self.minimumLength else {
            throw OneTimeCodeError(
                .invalidSecret, "secret is \(bytes.count * 8) bits; at least \(Self.minimumLength * 8) are required")
        }
        guard bytes.count <= Self.maximumLength else {
            throw OneTimeCodeError(.invalidSecret, "secret is longer than \(Self.maximumLength) bytes")
        }
        storage = SecretBytes(copying: bytes)
    }

    /// A secret of any non-empty length up to ``maximumLength``, without the 128-bit minimum.
    ///
    /// For computing codes of secrets issued elsewhere (some services still issue 80-bit secrets).
    ///
    /// - Warning: Never enrol a secret shorter than ``minimumLength``.
    package init(uncheckedBytes bytes: [UInt8]) throws(OneTimeCodeError) {
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else {
            throw OneTimeCodeError(.invalidSecret, "secret must be 1 to \(Self.maximumLength) bytes")
        }
        storage = SecretBytes(copying: bytes)
    }

    /// The secret written in Base32, as an authenticator app shows it.
    ///
    /// - Parameter base32: Base32 text; lower case, spaces, hyphens and missing padding are forgiven.
    /// - Throws: ``OneTimeCodeError/Code/invalidBase32`` for text that is not Base32, and
    ///   ``OneTimeCodeError/Code/invalidSecret`` for a secret shorter than 128 bits.
    public init(base32: String) throws(OneTimeCodeError) {
        var bytes = try Base32.decode(base32)
        defer { secureZero(&bytes) }
        try self.init(bytes: bytes)
    }

    private init(storage: SecretBytes) {
        self.storage = storage
    }

    /// The length in bytes.
    public var byteCount: Int { storage.count }

    /// The secret in Base32 without padding, as the Key URI format and manual entry use it.
    public var base32: String {
        storage.withUnsafeBytes { Base32.encode(Array($0), padding: false) }
    }

    /// The secret in Base32 in groups of four characters, for a person to type (`JBSW Y3DP …`).
    public var groupedBase32: String {
        var groups: [Substring] = []
        let text = base32
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 4, limitedBy: text.endIndex) ?? text.endIndex
            groups.append(text[index..<end])
            index = end
        }
        return groups.joined(separator: " ")
    }

    /// A copy of the bytes, for example to encrypt them for storage.
    ///
    /// - Warning: The copy is an ordinary array; clear it when done.
    public var bytes: [UInt8] { storage.bytes }

    /// Runs `body` with the bytes, valid for the duration of the call only.
    ///
    /// - Parameter body: Reads the bytes.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Never shows the secret.
    public var description: String { "OTPSecret(\(byteCount * 8) bits, redacted)" }

    /// Constant-time comparison of the bytes.
    public static func == (lhs: OTPSecret, rhs: OTPSecret) -> Bool {
        lhs.storage.constantTimeEquals(rhs.storage)
    }
}
