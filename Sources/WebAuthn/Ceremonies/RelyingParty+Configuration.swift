extension RelyingParty {
    /// How a relying party runs its ceremonies. The defaults are the safe ones.
    public struct Configuration: Sendable {
        /// The RP ID: the registrable domain credentials are scoped to, e.g. `example.org`.
        public var rpID: String
        /// The name browsers show for the relying party.
        public var rpName: String
        /// The exact origins (`scheme://host[:port]`) responses may come from. Several are allowed, e.g. a web
        /// origin and an app's `android:apk-key-hash:` origin.
        public var allowedOrigins: [String]
        /// Whether responses from cross-origin iframes (`crossOrigin: true`) are accepted. Default false.
        public var allowCrossOrigin: Bool
        /// The top-level origins that may frame the relying party, when cross-origin use is allowed. Empty (the
        /// default) accepts any top origin; otherwise a cross-origin response must name one of these.
        public var allowedTopOrigins: [String]
        /// Whether user verification is required, preferred or discouraged. Only `.required` makes the UV flag
        /// mandatory. Default `.preferred`.
        public var userVerification: UserVerificationRequirement
        /// The algorithms offered and accepted, most preferred first. RS1 in this list is ignored unless
        /// ``allowRS1`` is set (and added at the end when it is).
        public var allowedAlgorithms: [COSEAlgorithm]
        /// How long a ceremony state stays valid, in seconds (also the `timeout` sent to the browser). Default 300.
        public var timeoutSeconds: Int64
        /// Whether RSASSA-PKCS1-v1_5 with SHA-1 (COSE −65535) is accepted. Default false.
        ///
        /// - Warning: SHA-1 signatures are forgeable at a cost within reach; enable only for legacy TPMs.
        public var allowRS1: Bool
        /// What to do when the signature counter does not increase. Default ``CounterPolicy/strict``.
        public var counterPolicy: CounterPolicy
        /// Verifies attestation statements, judges trust and applies attestation policy.
        public var attestationVerifier: AttestationVerifier
        /// The attestation conveyance preference sent with registration options. Default `.none`.
        public var attestation: AttestationConveyancePreference
        /// The resident key requirement sent with registration options. Default `.preferred`.
        public var residentKey: ResidentKeyRequirement
        /// The authenticator attachment sent with registration options, when restricted. Default nil.
        public var authenticatorAttachment: AuthenticatorAttachment?
        /// The clock for ceremony expiry and certificate validity. Default the system clock.
        public var clock: WebAuthnClock
        /// Where challenges come from. Default 32 random bytes.
        public var challengeGenerator: ChallengeGenerator

        /// ES256, EdDSA, ES384, ES512, RS256, PS256, then the rest this verifier implements (Ed25519, Ed448,
        /// RS384, RS512, PS384, PS512). Not RS1.
        public static let defaultAlgorithms: [COSEAlgorithm] = [
            .es256, .eddsa, .es384, .es512, .rs256, .ps256, .ed25519, .ed448, .rs384, .rs512, .ps384, .ps512,
        ]

        /// A configuration with the safe defaults.
        ///
        /// - Parameters:
        ///   - rpID: The RP ID.
        ///   - rpName: The display name.
        ///   - allowedOrigins: The origins responses may come from.
        public init(rpID: String, rpName: String, allowedOrigins: [String]) {
            self.rpID = rpID
            self.rpName = rpName
            self.allowedOrigins = allowedOrigins
            self.allowCrossOrigin = false
            self.allowedTopOrigins = []
            self.userVerification = .preferred
            self.allowedAlgorithms = Self.defaultAlgorithms
            self.timeoutSeconds = 300
            self.allowRS1 = false
            self.counterPolicy = .strict
            self.attestationVerifier = AttestationVerifier()
            self.attestation = .none
            self.residentKey = .preferred
            self.authenticatorAttachment = nil
            self.clock = .system
            self.challengeGenerator = .random
        }
    }
}
