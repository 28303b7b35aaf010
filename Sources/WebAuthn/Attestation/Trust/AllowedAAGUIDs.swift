/// Accepts only authenticators whose AAGUID is in a list.
///
/// A failure is ``WebAuthnError/Code/aaguidNotAllowed``.
///
/// - Warning: An AAGUID means something only when the attestation is trusted. Combine this policy with
///   ``RequireTrustedAttestation`` (in an ``AttestationPolicyBuilder`` block) unless a self-declared AAGUID is enough.
public struct AllowedAAGUIDs: AttestationPolicy {
    /// The accepted AAGUIDs.
    public let allowed: Set<AAGUID>

    /// Accepts the AAGUIDs in `aaguids`.
    ///
    /// - Parameter aaguids: The accepted AAGUIDs; an empty list accepts nothing.
    public init(_ aaguids: some Sequence<AAGUID>) { self.allowed = Set(aaguids) }

    /// Meets the policy when the candidate's AAGUID is in ``allowed``.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome.
    public func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard allowed.contains(candidate.aaguid) else {
            let aaguid = candidate.aaguid
            return .failsToMeetPolicy(code: .aaguidNotAllowed, reason: "AAGUID \(aaguid) is not in the accepted list")
        }
        return .meetsPolicy
    }
}
