/// Requires an attestation trust path that validated to one of the verifier's trust anchors.
///
/// None and self attestation have no trust path and therefore fail. A failure is
/// ``WebAuthnError/Code/attestationUntrusted`` (WebAuthn L3 §7.1 step 24: an attestation that is not trustworthy fails the ceremony).
public struct RequireTrustedAttestation: AttestationPolicy {
    /// The policy.
    public init() {}

    /// Meets the policy when the candidate's trust path validated to an anchor.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome.
    public func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard candidate.isTrusted else {
            let format = candidate.format
            let reason = candidate.untrustedReason ?? "not validated"
            return .failsToMeetPolicy(
                code: .attestationUntrusted, reason: "\(format) attestation is not trusted: \(reason)")
        }
        return .meetsPolicy
    }
}
