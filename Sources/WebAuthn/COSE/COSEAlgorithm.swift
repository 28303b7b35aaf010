/// A COSE algorithm identifier (IANA "COSE Algorithms" registry), as WebAuthn uses it in `alg` and
/// `pubKeyCredParams`.
///
/// Any integer is representable, so unknown values survive parsing and produce a clear
/// ``WebAuthnError/Code/unsupportedAlgorithm``; the static members are the ones this verifier implements.
public struct COSEAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The registered integer value, for example -7 for ES256.
    public let rawValue: Int

    /// The algorithm with the registered value `rawValue`.
    ///
    /// - Parameter rawValue: A COSE algorithm value; it need not be one this verifier supports.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// ECDSA with SHA-256 on P-256 (RFC 9053 §2.1).
    public static let es256 = COSEAlgorithm(rawValue: -7)
    /// ECDSA with SHA-384 on P-384 (RFC 9053 §2.1).
    public static let es384 = COSEAlgorithm(rawValue: -35)
    /// ECDSA with SHA-512 on P-521 (RFC 9053 §2.1).
    public static let es512 = COSEAlgorithm(rawValue: -36)
    /// EdDSA (RFC 9053 §2.2): the curve (Ed25519 or Ed448) comes from the key's `crv`.
    public static let eddsa = COSEAlgorithm(rawValue: -8)
    /// EdDSA on Ed25519, fully specified (RFC 9864).
    public static let ed25519 = COSEAlgorithm(rawValue: -19)
    /// EdDSA on Ed448, fully specified (RFC 9864).
    public static let ed448 = COSEAlgorithm(rawValue: -53)
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8812 §2).
    public static let rs256 = COSEAlgorithm(rawValue: -257)
    /// RSASSA-PKCS1-v1_5 with SHA-384 (RFC 8812 §2).
    public static let rs384 = COSEAlgorithm(rawValue: -258)
    /// RSASSA-PKCS1-v1_5 with SHA-512 (RFC 8812 §2).
    public static let rs512 = COSEAlgorithm(rawValue: -259)
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (RFC 8230 §2).
    public static let ps256 = COSEAlgorithm(rawValue: -37)
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384 and a 48-byte salt (RFC 8230 §2).
    public static let ps384 = COSEAlgorithm(rawValue: -38)
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512 and a 64-byte salt (RFC 8230 §2).
    public static let ps512 = COSEAlgorithm(rawValue: -39)
    /// RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8812 §2).
    ///
    /// - Warning: SHA-1 is broken for collision resistance. Accepted only when explicitly allowed, for
    ///   old TPM and Windows Hello credentials.
    public static let rs1 = COSEAlgorithm(rawValue: -65535)

    /// Every algorithm this verifier implements, in a sensible order of preference.
    public static let allSupported: [COSEAlgorithm] = [
        .es256, .eddsa, .ed25519, .es384, .es512, .ed448, .ps256, .ps384, .ps512, .rs256, .rs384, .rs512, .rs1,
    ]

    /// Whether this verifier implements the algorithm.
    public var isSupported: Bool { Self.allSupported.contains(self) }

    /// The registry name, for example "ES256", or "COSE(n)" for an algorithm this verifier does not know.
    public var description: String {
        switch rawValue {
        case -7: return "ES256"
        case -35: return "ES384"
        case -36: return "ES512"
        case -8: return "EdDSA"
        case -19: return "Ed25519"
        case -53: return "Ed448"
        case -257: return "RS256"
        case -258: return "RS384"
        case -259: return "RS512"
        case -37: return "PS256"
        case -38: return "PS384"
        case -39: return "PS512"
        case -65535: return "RS1"
        default: return "COSE(\(rawValue))"
        }
    }
}
