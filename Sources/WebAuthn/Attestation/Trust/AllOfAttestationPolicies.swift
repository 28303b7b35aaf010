/// Policies that must all be met, evaluated in order; the first failure decides.
///
/// An empty list is met: with no policy, every verified attestation is accepted (trusted or not).
public struct AllOfAttestationPolicies: AttestationPolicy {
    /// The policies, in evaluation order.
    public private(set) var policies: [any AttestationPolicy]

    /// Every policy in `policies` must be met.
    ///
    /// - Parameter policies: The policies, in evaluation order.
    public init(_ policies: [any AttestationPolicy]) { self.policies = policies }

    /// Every policy in the block must be met.
    ///
    /// - Parameter build: A block of policies.
    public init(@AttestationPolicyBuilder _ build: () -> AllOfAttestationPolicies) { self = build() }

    /// Meets the policy when every policy does; the first failure is the outcome.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome.
    public mutating func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        for index in policies.indices {
            let result = policies[index].evaluate(candidate)
            if !result.isMet { return result }
        }
        return .meetsPolicy
    }
}
