/// The one error type of the `WebAuthn` module.
///
/// Every rejection carries a stable string ``Code`` (for logs, APIs and the `keybridge` command line),
/// a human-readable reason and the source location that raised it. Two errors are equal when their
/// codes are equal, so tests and callers match on the code and never on the text.
public struct WebAuthnError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case malformedInput = "malformed-input"
            case invalidJSON = "invalid-json"
            case invalidBase64URL = "invalid-base64url"
            case invalidCBOR = "invalid-cbor"
            case malformedAuthenticatorData = "malformed-authenticator-data"
            case malformedClientData = "malformed-client-data"
            case credentialTypeInvalid = "credential-type-invalid"
            case credentialIDMismatch = "credential-id-mismatch"
            case credentialIDTooLong = "credential-id-too-long"
            case clientDataTypeMismatch = "client-data-type-mismatch"
            case challengeMismatch = "challenge-mismatch"
            case originMismatch = "origin-mismatch"
            case crossOriginNotAllowed = "cross-origin-not-allowed"
            case topOriginMismatch = "top-origin-mismatch"
            case rpIDMismatch = "rp-id-mismatch"
            case userNotPresent = "user-not-present"
            case userNotVerified = "user-not-verified"
            case backupStateInconsistent = "backup-state-inconsistent"
            case backupEligibilityChanged = "backup-eligibility-changed"
            case attestedCredentialDataMissing = "attested-credential-data-missing"
            case unexpectedAttestedCredentialData = "unexpected-attested-credential-data"
            case unsupportedAlgorithm = "unsupported-algorithm"
            case algorithmNotAllowed = "algorithm-not-allowed"
            case invalidPublicKey = "invalid-public-key"
            case keyTooWeak = "key-too-weak"
            case signatureInvalid = "signature-invalid"
            case counterRegression = "counter-regression"
            case unsupportedAttestationFormat = "unsupported-attestation-format"
            case attestationInvalid = "attestation-invalid"
            case attestationCertificateInvalid = "attestation-certificate-invalid"
            case attestationUntrusted = "attestation-untrusted"
            case attestationPolicyRejected = "attestation-policy-rejected"
            case aaguidNotAllowed = "aaguid-not-allowed"
            case credentialExcluded = "credential-excluded"
            case credentialNotAllowed = "credential-not-allowed"
            case userHandleMismatch = "user-handle-mismatch"
            case ceremonyExpired = "ceremony-expired"
            case ceremonyAlreadyUsed = "ceremony-already-used"
            case ceremonyStateInvalid = "ceremony-state-invalid"
            case extensionInvalid = "extension-invalid"
            case internalError = "internal-error"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `challenge-mismatch`.
        public var rawValue: String { backing.rawValue }
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// Input that is not the expected shape (wrong JSON member type, missing member, bad structure).
        public static let malformedInput = Code(.malformedInput)
        /// Input that is not JSON (RFC 8259), or JSON over the size and depth limits.
        public static let invalidJSON = Code(.invalidJSON)
        /// A member that must be base64url (RFC 4648 §5, no padding) is not.
        public static let invalidBase64URL = Code(.invalidBase64URL)
        /// CBOR that the strict decoder rejects (trailing bytes, indefinite length, duplicate keys, …).
        public static let invalidCBOR = Code(.invalidCBOR)
        /// Authenticator data that is truncated, has trailing bytes, or has inconsistent flags.
        public static let malformedAuthenticatorData = Code(.malformedAuthenticatorData)
        /// `clientDataJSON` that is not a JSON object with the required members.
        public static let malformedClientData = Code(.malformedClientData)
        /// The credential `type` is not `public-key`.
        public static let credentialTypeInvalid = Code(.credentialTypeInvalid)
        /// `id`, `rawId` and the credential ID in the authenticator data (or the expected credential) differ.
        public static let credentialIDMismatch = Code(.credentialIDMismatch)
        /// The credential ID is longer than 1023 bytes.
        public static let credentialIDTooLong = Code(.credentialIDTooLong)
        /// `clientDataJSON.type` is not `webauthn.create` / `webauthn.get` as the ceremony requires.
        public static let clientDataTypeMismatch = Code(.clientDataTypeMismatch)
        /// `clientDataJSON.challenge` is not the ceremony's challenge.
        public static let challengeMismatch = Code(.challengeMismatch)
        /// `clientDataJSON.origin` is not one of the allowed origins.
        public static let originMismatch = Code(.originMismatch)
        /// `clientDataJSON.crossOrigin` is true and the relying party does not allow cross-origin ceremonies.
        public static let crossOriginNotAllowed = Code(.crossOriginNotAllowed)
        /// `clientDataJSON.topOrigin` is missing, present without `crossOrigin`, or not an allowed top origin.
        public static let topOriginMismatch = Code(.topOriginMismatch)
        /// `rpIdHash` is not SHA-256 of the RP ID (nor of the `appid` where that extension applies).
        public static let rpIDMismatch = Code(.rpIDMismatch)
        /// The UP flag is not set.
        public static let userNotPresent = Code(.userNotPresent)
        /// The UV flag is not set and the ceremony requires user verification.
        public static let userNotVerified = Code(.userNotVerified)
        /// BS is set while BE is not.
        public static let backupStateInconsistent = Code(.backupStateInconsistent)
        /// BE differs from the value stored when the credential was registered.
        public static let backupEligibilityChanged = Code(.backupEligibilityChanged)
        /// A registration without attested credential data (AT flag and data).
        public static let attestedCredentialDataMissing = Code(.attestedCredentialDataMissing)
        /// An assertion whose authenticator data carries attested credential data.
        public static let unexpectedAttestedCredentialData = Code(.unexpectedAttestedCredentialData)
        /// A COSE algorithm, key type or curve this verifier does not implement.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// A supported algorithm that the ceremony's options did not offer (or RS1 without opt-in).
        public static let algorithmNotAllowed = Code(.algorithmNotAllowed)
        /// A COSE key whose parameters are wrong: point not on the curve, alg/kty/crv disagree, bad lengths.
        public static let invalidPublicKey = Code(.invalidPublicKey)
        /// An RSA key under 2048 bits.
        public static let keyTooWeak = Code(.keyTooWeak)
        /// The assertion or attestation signature does not verify.
        public static let signatureInvalid = Code(.signatureInvalid)
        /// The signature counter did not increase (possible cloned authenticator).
        public static let counterRegression = Code(.counterRegression)
        /// An attestation statement format this verifier does not implement.
        public static let unsupportedAttestationFormat = Code(.unsupportedAttestationFormat)
        /// An attestation statement that fails its format's verification procedure.
        public static let attestationInvalid = Code(.attestationInvalid)
        /// An attestation certificate that breaks a format's certificate requirements (e.g. §8.2.1).
        public static let attestationCertificateInvalid = Code(.attestationCertificateInvalid)
        /// The attestation trust path does not chain to a supplied trust anchor, and trust is required.
        public static let attestationUntrusted = Code(.attestationUntrusted)
        /// An attestation policy refused the attestation.
        public static let attestationPolicyRejected = Code(.attestationPolicyRejected)
        /// The AAGUID is not in the relying party's accepted list.
        public static let aaguidNotAllowed = Code(.aaguidNotAllowed)
        /// The new credential is in the ceremony's excludeCredentials list.
        public static let credentialExcluded = Code(.credentialExcluded)
        /// The asserted credential is not in the ceremony's allowCredentials list.
        public static let credentialNotAllowed = Code(.credentialNotAllowed)
        /// `userHandle` does not match the credential's user.
        public static let userHandleMismatch = Code(.userHandleMismatch)
        /// The ceremony state is past its expiry.
        public static let ceremonyExpired = Code(.ceremonyExpired)
        /// The ceremony state was already consumed.
        public static let ceremonyAlreadyUsed = Code(.ceremonyAlreadyUsed)
        /// A serialized ceremony state that does not decode or whose integrity tag is wrong.
        public static let ceremonyStateInvalid = Code(.ceremonyStateInvalid)
        /// A client or authenticator extension output that is malformed.
        public static let extensionInvalid = Code(.extensionInvalid)
        /// A failure inside the crypto backend that is not the input's fault.
        public static let internalError = Code(.internalError)
    }

    /// The stable code.
    public let code: Code
    /// Why, for humans. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int
    /// For ``Code/counterRegression``: the stored and the received sign counts.
    public let signCounts: (stored: UInt32, received: UInt32)?

    /// An error with `code` and `reason`.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
        self.signCounts = nil
    }

    /// A ``Code/counterRegression`` error carrying both counts.
    public static func counterRegression(
        stored: UInt32, received: UInt32, file: String = #fileID, line: Int = #line
    ) -> WebAuthnError {
        WebAuthnError(
            code: .counterRegression,
            reason: "signature counter did not increase (stored \(stored), received \(received)): possible cloned authenticator",
            file: file, line: line, signCounts: (stored, received))
    }

    private init(code: Code, reason: String, file: String, line: Int, signCounts: (stored: UInt32, received: UInt32)?) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
        self.signCounts = signCounts
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: WebAuthnError, rhs: WebAuthnError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
