/// What an `android-key` attestation's key description (OID 1.3.6.1.4.1.11129.2.1.17) says about where the key
/// lives, for policies such as ``RequireHardwareBackedAndroidKey``.
public struct AndroidKeyAttestationDetails: Sendable, Hashable {
    /// An Android Keystore security level (`SecurityLevel` in the key description schema).
    public struct SecurityLevel: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The ENUMERATED value.
        public let rawValue: Int

        /// The level with ENUMERATED value `rawValue`.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Software (0): no hardware protection.
        public static let software = SecurityLevel(rawValue: 0)
        /// TrustedEnvironment (1): a TEE.
        public static let trustedEnvironment = SecurityLevel(rawValue: 1)
        /// StrongBox (2): a dedicated secure element.
        public static let strongBox = SecurityLevel(rawValue: 2)

        /// The schema's name for the level, for example `TrustedEnvironment`.
        public var description: String {
            switch rawValue {
            case 0: return "Software"
            case 1: return "TrustedEnvironment"
            case 2: return "StrongBox"
            default: return "SecurityLevel(\(rawValue))"
            }
        }
    }

    /// The attestation version (`attestationVersion`).
    public let attestationVersion: Int64
    /// Where the attestation was produced (`attestationSecurityLevel`).
    public let attestationSecurityLevel: SecurityLevel
    /// Where the key lives (`keymasterSecurityLevel` / `keyMintSecurityLevel`).
    public let keymasterSecurityLevel: SecurityLevel
    /// Whether origin GENERATED and purpose SIGN appear in the `teeEnforced` (hardware-enforced) list alone.
    public let originAndPurposeHardwareEnforced: Bool
}
