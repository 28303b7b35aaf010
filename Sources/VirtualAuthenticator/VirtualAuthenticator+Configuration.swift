extension VirtualAuthenticator {
    /// The protocols the authenticator speaks over CTAPHID.
    public struct Protocols: OptionSet, Sendable, Hashable {
        /// The bits of the set.
        public let rawValue: UInt8

        /// A set from its bits.
        ///
        /// - Parameter rawValue: The bits (1: CTAP2, 2: U2F).
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// CTAP2 over `CTAPHID_CBOR` (capability flag CBOR).
        public static let ctap2 = Protocols(rawValue: 1 << 0)
        /// U2F (CTAP1) APDUs over `CTAPHID_MSG`; without it the authenticator sets the NMSG capability flag.
        public static let u2f = Protocols(rawValue: 1 << 1)
    }

    /// The attestation makeCredential returns.
    public enum AttestationMode: String, Sendable, Hashable {
        /// `packed` full (basic) attestation: signed by the attestation key, with its certificate in `x5c`,
        /// chaining to ``VirtualAuthenticator/exportRootPEM()``.
        case packedFull
        /// `packed` self attestation: signed by the new credential's own key, no certificate.
        case packedSelf
        /// `none`.
        case none
    }

    /// How the authenticator behaves. Only these settings; the keys, PIN, counter and credentials live in the
    /// state (and the state file).
    public struct Configuration: Sendable {
        /// The protocols spoken. `[.ctap2]` (the default) is a FIDO2-only key; `[.ctap2, .u2f]` a FIDO2 key
        /// with U2F too; `[.u2f]` a U2F-only key, whose registrations a client turns into `fido-u2f`
        /// attestation.
        public var protocols: Protocols = [.ctap2]
        /// The attestation for new credentials.
        public var attestation: AttestationMode = .packedFull
        /// The user-presence hook.
        public var userPresence: UserPresence = .automatic
        /// How long an operation waits for user presence before failing with CTAP2_ERR_USER_ACTION_TIMEOUT.
        public var userPresenceTimeout: Duration = .seconds(30)
        /// How many discoverable credentials fit (CTAP2_ERR_KEY_STORE_FULL beyond).
        public var maximumDiscoverableCredentials = 100
        /// When set, authenticatorReset is refused with CTAP2_ERR_NOT_ALLOWED once this much time has passed
        /// since power-up (creation or ``VirtualAuthenticator/powerCycle()``), as real keys refuse it after
        /// about 10 seconds. Nil (the default) allows it at any time.
        public var resetWindow: Duration? = nil
        /// The firmware version reported by getInfo.
        public var firmwareVersion = 1
        /// The AAGUID of a new state (an existing state keeps its own). Nil: the KeyBridge virtual
        /// authenticator AAGUID, ``VirtualAuthenticator/defaultAAGUID``.
        public var aaguid: [UInt8]? = nil

        /// The defaults: CTAP2 only, packed full attestation, automatic user presence.
        public init() {}
    }
}
