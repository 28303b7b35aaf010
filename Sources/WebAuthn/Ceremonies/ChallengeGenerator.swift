import OpenSSLWrapper

/// Where a relying party gets its challenges.
///
/// The default draws 32 bytes from OpenSSL's DRBG. Inject a fixed generator only in tests: a challenge must be
/// unpredictable and never reused (WebAuthn L3 §13.4.3 asks for at least 16 random bytes).
public struct ChallengeGenerator: Sendable {
    private let generate: @Sendable () -> [UInt8]

    /// A generator that calls `generate` for each challenge.
    public init(_ generate: @escaping @Sendable () -> [UInt8]) {
        self.generate = generate
    }

    /// The next challenge.
    public func next() -> [UInt8] { generate() }

    /// 32 cryptographically random bytes per challenge.
    public static let random = ChallengeGenerator { SecureRandom.bytes(32) }
}
