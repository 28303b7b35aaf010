import OpenSSLWrapper

/// What a format's verification procedure returns (WebAuthn L3 §8: "implementation-specific values representing
/// attestation type … and attestation trust path").
struct AttestationStatementResult: Sendable {
    /// The attestation type.
    let type: AttestationType
    /// The trust path, leaf first (empty for none and self).
    let trustPath: [X509Certificate]
    /// The attestation signature's algorithm, when the statement is signed.
    let signatureAlgorithm: COSEAlgorithm?
    /// The Android key description summary, for `android-key`.
    var androidKey: AndroidKeyAttestationDetails? = nil
}
