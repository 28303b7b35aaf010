/// Policies of which at least one must be met, evaluated in order; the first that is met decides.
///
/// An empty block fails closed: it meets no attestation.
///
/// ```swift
/// OneOfAttestationPolicies {
///     RequireTrustedAttestation()
///     AllowedAAGUIDs([internalTestKey])
/// }
/// ```
public struct OneOfAttestationPolicies: AttestationPolicy {
    /// The alternatives, in evaluation order.
    public private(set) var policies: [any AttestationPolicy]

    /// At least one policy of the block must be met.
    ///
    /// - Parameter build: A block of alternative policies.
    public init(@AttestationPolicyBuilder _ build: () -> AllOfAttestationPolicies) {
        self.policies = build().policies
    }

    /// At least one of `policies` must be met.
    ///
    /// - Parameter policies: The alternatives, in evaluation order.
    public init(_ policies: [any AttestationPolicy]) { self.policies = policies }

    /// Meets the policy as soon as one alternative does; an empty list meets nothing.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome; when every alternative failed, their reasons joined.
    public mutating func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard !policies.isEmpty else {
            return .failsToMeetPolicy(reason: "an empty OneOfAttestationPolicies accepts nothing")
        }
        var failures: [PolicyEvaluationResult] = []
        for index in policies.indices {
            let result = policies[index].evaluate(candidate)
            if result.isMet { return .meetsPolicy }
            failures.append(result)
        }
        // One code when every alternative failed the same way; otherwise the generic policy code. The reasons are
        // built only if someone reads this result's reason.
        let failed = failures
        let codes = Set(failed.compactMap(\.failureCode))
        let code = codes.count == 1 ? codes.first ?? .attestationPolicyRejected : .attestationPolicyRejected
        return .failsToMeetPolicy(
            code: code,
            reason: "no alternative met: " + failed.compactMap { $0.failure?.reason }.joined(separator: "; "))
    }
}
