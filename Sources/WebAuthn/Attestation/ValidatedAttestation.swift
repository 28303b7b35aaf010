/// An attestation statement that passed its format's verification procedure, trust assessment and the
/// verifier's policy.
///
/// Only ``AttestationVerifier`` makes these: there is no public initializer.
public struct ValidatedAttestation: Sendable {
    /// The attestation statement format identifier, for example `packed`.
    public let format: String
    /// The attestation type the format's procedure established.
    public let type: AttestationType
    /// The attestation trust path: DER certificates, leaf first (empty for ``AttestationType/none`` and
    /// ``AttestationType/self``).
    public let trustPath: [[UInt8]]
    /// Whether the trust path validated (RFC 5280) to one of the verifier's trust anchors at the verification time.
    public let isTrusted: Bool

    /// A value that no verifier produced: for tests and tools that need one without running a verification.
    package init(uncheckedFormat format: String, type: AttestationType, trustPath: [[UInt8]], isTrusted: Bool) {
        self.format = format
        self.type = type
        self.trustPath = trustPath
        self.isTrusted = isTrusted
    }
}
