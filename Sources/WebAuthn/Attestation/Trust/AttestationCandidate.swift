/// What an ``AttestationPolicy`` judges: an attestation statement that passed its format's verification procedure,
/// with the outcome of trust-path validation.
///
/// Only the verifier makes these.
public struct AttestationCandidate: Sendable {
    /// The attestation statement format identifier, for example `packed`.
    public let format: String
    /// The attestation type the format's procedure established.
    public let type: AttestationType
    /// The AAGUID from the attested credential data.
    ///
    /// - Warning: Unless ``isTrusted`` is true, nothing vouches for it: an untrusted attestation can claim any AAGUID.
    public let aaguid: AAGUID
    /// The trust path: DER certificates, leaf first (empty for none and self attestation).
    public let trustPath: [[UInt8]]
    /// Whether the trust path validated to one of the verifier's trust anchors at the verification time.
    public let isTrusted: Bool
    /// Why the path is not trusted (no anchors, no path, or OpenSSL's validation error); nil when trusted.
    public let untrustedReason: String?
    /// The algorithm of the attestation signature (`alg`, or the JWS `alg` mapped to COSE); nil for `none`
    /// and for `apple`, whose statement is not signed.
    public let signatureAlgorithm: COSEAlgorithm?
    /// For `android-key`, what the key description says about where the key lives; nil for other formats.
    public let androidKey: AndroidKeyAttestationDetails?
    /// The authenticator data of the registration.
    public let authenticatorData: AuthenticatorData

    init(
        format: String, type: AttestationType, aaguid: AAGUID, trustPath: [[UInt8]], isTrusted: Bool,
        untrustedReason: String?, signatureAlgorithm: COSEAlgorithm?, androidKey: AndroidKeyAttestationDetails?,
        authenticatorData: AuthenticatorData
    ) {
        self.format = format
        self.type = type
        self.aaguid = aaguid
        self.trustPath = trustPath
        self.isTrusted = isTrusted
        self.untrustedReason = untrustedReason
        self.signatureAlgorithm = signatureAlgorithm
        self.androidKey = androidKey
        self.authenticatorData = authenticatorData
    }
}
