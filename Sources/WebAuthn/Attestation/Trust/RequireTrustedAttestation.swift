/// Requires an attestation trust path that validated to one of the verifier's trust anchors.
///
/// None and self attestation have no trust path and therefore fail. A failure is
/// ``WebAuthnError/Code/attestationUntrusted`` (WebAuthn L3 §7.1 step 23).
public struct RequireTrustedAttestation: AttestationPolicy {
    /// The policy.
    public init() {}

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
