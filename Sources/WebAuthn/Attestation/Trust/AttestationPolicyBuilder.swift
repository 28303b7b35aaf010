/// Builds an ``AllOfAttestationPolicies`` from a block of policies, every one of which must be met.
///
/// ```swift
/// let verifier = AttestationVerifier(trustAnchors: anchors) {
///     RequireTrustedAttestation()
///     AllowedAAGUIDs([yubiKey5])
/// }
/// ```
/// `if`, `if`/`else`, `switch` and `for` work inside the block.
@resultBuilder
public enum AttestationPolicyBuilder {
    /// One policy of the block.
    public static func buildExpression(_ policy: some AttestationPolicy) -> [any AttestationPolicy] { [policy] }

    /// The policies of a block, in order.
    public static func buildBlock(_ parts: [any AttestationPolicy]...) -> [any AttestationPolicy] {
        parts.flatMap { $0 }
    }

    /// An `if` without `else`: its policies when the condition held, none otherwise.
    public static func buildOptional(_ part: [any AttestationPolicy]?) -> [any AttestationPolicy] { part ?? [] }

    /// The `if` branch of an `if`/`else` or the first `switch` case.
    public static func buildEither(first part: [any AttestationPolicy]) -> [any AttestationPolicy] { part }

    /// The `else` branch of an `if`/`else` or a later `switch` case.
    public static func buildEither(second part: [any AttestationPolicy]) -> [any AttestationPolicy] { part }

    /// The policies of every `for` iteration, in order.
    public static func buildArray(_ parts: [[any AttestationPolicy]]) -> [any AttestationPolicy] { parts.flatMap { $0 } }

    /// The block as one policy that requires all of them.
    public static func buildFinalResult(_ parts: [any AttestationPolicy]) -> AllOfAttestationPolicies {
        AllOfAttestationPolicies(parts)
    }
}

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
