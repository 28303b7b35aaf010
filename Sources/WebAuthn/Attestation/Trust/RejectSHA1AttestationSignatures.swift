/// Refuses attestation statements signed with RS1 (RSASSA-PKCS1-v1_5 with SHA-1).
///
/// By default the `tpm` format accepts RS1 attestation signatures, because Windows Hello TPMs commonly produce
/// them (the credential key itself is a separate matter, governed by the relying party's RS1 setting). This
/// policy restores the strict position. A failure is ``WebAuthnError/Code/algorithmNotAllowed``.
public struct RejectSHA1AttestationSignatures: AttestationPolicy {
    /// The policy.
    public init() {}

    /// Fails when the attestation signature algorithm is RS1.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome.
    public func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard candidate.signatureAlgorithm != .rs1 else {
            let format = candidate.format
            return .failsToMeetPolicy(
                code: .algorithmNotAllowed, reason: "the \(format) attestation signature uses RS1 (SHA-1)")
        }
        return .meetsPolicy
    }
}
