/// A rule that decides whether a verified attestation is acceptable to the relying party.
///
/// Policies are plain Swift values, evaluated synchronously after the format's verification procedure and the
/// trust assessment (WebAuthn L3 §7.1 steps 22 to 24): they do no I/O. Compose them with
/// ``AttestationPolicyBuilder`` (every policy must be met) and ``OneOfAttestationPolicies`` (at least one must be).
/// "The policy said no" is not an error inside the policy: it returns
/// ``PolicyEvaluationResult/failsToMeetPolicy(code:reason:)`` and the verifier turns that into a
/// ``WebAuthnError``.
public protocol AttestationPolicy: Sendable {
    /// Judges one attestation.
    ///
    /// `mutating` so that a policy may keep state across the candidates of one evaluation; the verifier
    /// evaluates a fresh copy for every registration.
    ///
    /// - Parameter candidate: The verified attestation and its trust assessment.
    /// - Returns: ``PolicyEvaluationResult/meetsPolicy`` or a failure with its reason.
    mutating func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult
}
