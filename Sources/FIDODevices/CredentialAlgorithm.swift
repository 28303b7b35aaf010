/// A credential signature algorithm KeyBridge can ask a key for, by its COSE identifier (RFC 9053, IANA COSE
/// Algorithms).
public enum CredentialAlgorithm: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ECDSA with P-256 and SHA-256 (COSE -7). Every FIDO2 key supports it; U2F keys support only it.
    case es256 = -7
    /// EdDSA with Ed25519 (COSE -8).
    case eddsa = -8
    /// RSASSA-PKCS1-v1_5 with SHA-256 (COSE -257), mostly from Windows Hello and TPMs.
    case rs256 = -257

    /// The COSE algorithm identifier.
    public var coseIdentifier: Int { Int(rawValue) }

    /// "ES256", "EdDSA" or "RS256".
    /// The algorithm's name.
    public var description: String {
        switch self {
        case .es256: "ES256"
        case .eddsa: "EdDSA"
        case .rs256: "RS256"
        }
    }

    /// The algorithm for a name as the command line spells it (`es256`, `EdDSA`, `ed25519`, `rs256`, case
    /// insensitive), or nil.
    ///
    /// - Parameter name: The name.
    public init?(name: String) {
        switch name.lowercased() {
        case "es256", "-7": self = .es256
        case "eddsa", "ed25519", "-8": self = .eddsa
        case "rs256", "-257": self = .rs256
        default: return nil
        }
    }
}

/// The credProtect levels of CTAP 2.1 §12.1 (the `credProtect` extension).
public enum CredentialProtection: Int32, Sendable, Hashable, CaseIterable {
    /// Level 1: no protection (the default of keys without the extension).
    case userVerificationOptional = 1
    /// Level 2: the credential is usable without user verification only when the request names it (an
    /// allow list), so it cannot be discovered without UV.
    case userVerificationOptionalWithCredentialIDList = 2
    /// Level 3: every use needs user verification.
    case userVerificationRequired = 3
}
