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
