/// What libfido2 learnt about a key when it opened it (`fido_dev_is_fido2` and friends).
public struct DeviceCapabilities: Sendable, Hashable {
    /// Whether the key speaks CTAP2 (false: a U2F-only key).
    public let isFIDO2: Bool
    /// Whether the key supports a PIN.
    public let supportsPIN: Bool
    /// Whether a PIN is set.
    public let hasPIN: Bool
    /// Whether the key supports credential management.
    public let supportsCredentialManagement: Bool
    /// Whether the key supports the credProtect extension.
    public let supportsCredentialProtection: Bool
    /// Whether the key has built-in user verification configured (fingerprint, …).
    public let hasUserVerification: Bool
    /// The CTAPHID protocol version from CTAPHID_INIT.
    public let ctapHIDProtocol: UInt8
    /// The device version from CTAPHID_INIT (major, minor, build).
    public let firmwareVersion: (major: UInt8, minor: UInt8, build: UInt8)
    /// The CTAPHID capability flags from CTAPHID_INIT (WINK 0x01, CBOR 0x04, NMSG 0x08).
    public let capabilityFlags: UInt8

    /// Field-by-field equality.
    public static func == (lhs: DeviceCapabilities, rhs: DeviceCapabilities) -> Bool {
        lhs.isFIDO2 == rhs.isFIDO2 && lhs.supportsPIN == rhs.supportsPIN && lhs.hasPIN == rhs.hasPIN
            && lhs.supportsCredentialManagement == rhs.supportsCredentialManagement
            && lhs.supportsCredentialProtection == rhs.supportsCredentialProtection
            && lhs.hasUserVerification == rhs.hasUserVerification && lhs.ctapHIDProtocol == rhs.ctapHIDProtocol
            && lhs.firmwareVersion == rhs.firmwareVersion && lhs.capabilityFlags == rhs.capabilityFlags
    }

    /// Hashes the fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(isFIDO2)
        hasher.combine(supportsPIN)
        hasher.combine(hasPIN)
        hasher.combine(supportsCredentialManagement)
        hasher.combine(supportsCredentialProtection)
        hasher.combine(hasUserVerification)
        hasher.combine(ctapHIDProtocol)
        hasher.combine(firmwareVersion.major)
        hasher.combine(firmwareVersion.minor)
        hasher.combine(firmwareVersion.build)
        hasher.combine(capabilityFlags)
    }
}
