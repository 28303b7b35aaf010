/// The NIST prime curves that WebAuthn uses.
package enum ECCurve: Sendable, Hashable, CaseIterable {
    case p256, p384, p521

    /// The size of one affine coordinate (and of a private scalar) in bytes: 32, 48 or 66.
    package var coordinateSize: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    /// The OpenSSL group name.
    var groupName: String {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        case .p521: return "secp521r1"
        }
    }

    /// The curve for an OpenSSL group name (either the SEC or the X9.62/NIST spelling), or nil.
    init?(groupName: String) {
        switch groupName {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        case "secp521r1", "P-521": self = .p521
        default: return nil
        }
    }
}
