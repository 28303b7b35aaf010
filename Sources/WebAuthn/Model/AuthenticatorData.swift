public import CBOR

/// Authenticator data (WebAuthn L3 §6.1), parsed strictly.
///
/// Layout: `rpIdHash` (32) ‖ `flags` (1) ‖ `signCount` (4, big-endian) ‖ attested credential data (if AT) ‖
/// extensions (a CBOR map, if ED). The parser insists that the AT flag is set exactly when attested credential
/// data follows, that the ED flag is set exactly when an extensions map follows, and that nothing follows them.
public struct AuthenticatorData: Sendable, Hashable {
    /// The flags byte.
    public struct Flags: OptionSet, Sendable, Hashable {
        /// The flags byte.
        public let rawValue: UInt8
        /// Flags from the flags byte.
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// UP: the user was present.
        public static let userPresent = Flags(rawValue: 0x01)
        /// UV: the user was verified.
        public static let userVerified = Flags(rawValue: 0x04)
        /// BE: the credential is backup eligible.
        public static let backupEligible = Flags(rawValue: 0x08)
        /// BS: the credential is currently backed up.
        public static let backupState = Flags(rawValue: 0x10)
        /// AT: attested credential data is included.
        public static let attestedCredentialData = Flags(rawValue: 0x40)
        /// ED: extension data is included.
        public static let extensionData = Flags(rawValue: 0x80)

        /// The spec's short name for ``userPresent``.
        public static let UP = userPresent
        /// The spec's short name for ``userVerified``.
        public static let UV = userVerified
        /// The spec's short name for ``backupEligible``.
        public static let BE = backupEligible
        /// The spec's short name for ``backupState``.
        public static let BS = backupState
        /// The spec's short name for ``attestedCredentialData``.
        public static let AT = attestedCredentialData
        /// The spec's short name for ``extensionData``.
        public static let ED = extensionData
    }

    /// The bytes as received.
    public let rawValue: [UInt8]
    /// SHA-256 of the RP ID the authenticator scoped the credential to (32 bytes).
    public let rpIDHash: [UInt8]
    /// The flags.
    public let flags: Flags
    /// The signature counter.
    public let signCount: UInt32
    /// The attested credential data, present exactly when the AT flag is set.
    public let attestedCredentialData: AttestedCredentialData?
    /// The authenticator extension outputs, present exactly when the ED flag is set.
    public let extensions: CBORMap?

    /// Parses authenticator data.
    ///
    /// - Parameter bytes: The authenticator data.
    /// - Throws: ``WebAuthnError/Code/malformedAuthenticatorData`` for truncated data, trailing bytes, or flags
    ///   that disagree with the content; ``WebAuthnError/Code/credentialIDTooLong`` for a credential ID over
    ///   1023 bytes; ``WebAuthnError/Code/invalidCBOR`` for a credential public key or extensions map that is
    ///   not valid CBOR.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else {
            throw WebAuthnError(.malformedAuthenticatorData, "authenticator data has \(bytes.count) bytes, fewer than 37")
        }
        let flags = Flags(rawValue: bytes[32])
        var offset = 37
        var attested: AttestedCredentialData? = nil
        if flags.contains(.attestedCredentialData) {
            let (data, next) = try AttestedCredentialData.parse(bytes, at: offset)
            attested = data
            offset = next
        }
        var extensions: CBORMap? = nil
        if flags.contains(.extensionData) {
            guard offset < bytes.count else {
                throw WebAuthnError(.malformedAuthenticatorData, "the ED flag is set but no extensions follow")
            }
            let decoded: (value: CBORValue, length: Int)
            do {
                decoded = try CBORDecoder().decodePrefix(bytes[offset...])
            } catch {
                throw WebAuthnError(.invalidCBOR, "authenticator extensions: \(error)")
            }
            guard let map = decoded.value.mapValue else {
                throw WebAuthnError(.malformedAuthenticatorData, "authenticator extensions are not a CBOR map")
            }
            extensions = map
            offset += decoded.length
        }
        guard offset == bytes.count else {
            throw WebAuthnError(
                .malformedAuthenticatorData,
                "\(bytes.count - offset) bytes follow the authenticator data"
                    + (flags.contains(.extensionData) ? "" : " (ED flag not set)"))
        }
        self.rawValue = bytes
        self.rpIDHash = Array(bytes[0..<32])
        self.flags = flags
        self.signCount = UInt32(bytes[33]) << 24 | UInt32(bytes[34]) << 16 | UInt32(bytes[35]) << 8 | UInt32(bytes[36])
        self.attestedCredentialData = attested
        self.extensions = extensions
    }
}
