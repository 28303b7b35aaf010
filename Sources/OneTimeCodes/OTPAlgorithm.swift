internal import OpenSSLWrapper

/// The HMAC hash function of a HOTP or TOTP generator (RFC 6238 §1.2).
///
/// The raw values are the spellings of the Key URI format's `algorithm` parameter.
public enum OTPAlgorithm: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// HMAC-SHA-1: the default, and the only one every authenticator app accepts.
    case sha1 = "SHA1"
    /// HMAC-SHA-256.
    case sha256 = "SHA256"
    /// HMAC-SHA-512.
    case sha512 = "SHA512"

    /// The length of a generated secret: the hash output size (160, 256 or 512 bits), as RFC 4226 §4 R6
    /// recommends for SHA-1 and RFC 6238 Appendix B's reference seeds do for the others.
    public var recommendedSecretLength: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// The Key URI spelling (`SHA1`, `SHA256`, `SHA512`).
    public var description: String { rawValue }

    /// Parses a Key URI spelling, case-insensitively (`sha1`, `SHA256`, …).
    ///
    /// - Parameter name: The `algorithm` parameter's value.
    /// - Returns: nil for any other name.
    public init?(keyURIName name: String) {
        switch name.uppercased() {
        case "SHA1": self = .sha1
        case "SHA256": self = .sha256
        case "SHA512": self = .sha512
        default: return nil
        }
    }

    var digest: DigestAlgorithm {
        switch self {
        case .sha1: return .sha1
        case .sha256: return .sha256
        case .sha512: return .sha512
        }
    }
}
