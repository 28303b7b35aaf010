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

/// The outcome of ``AttestationPolicy/evaluate(_:)``.
///
/// A failure carries the ``WebAuthnError/Code`` the verifier throws and a reason that is built only when
/// someone reads it.
public struct PolicyEvaluationResult: Sendable {
    private enum Outcome: Sendable {
        case meets
        case fails(WebAuthnError.Code, @Sendable () -> String)
    }

    private let outcome: Outcome

    private init(_ outcome: Outcome) { self.outcome = outcome }

    /// The attestation meets the policy.
    public static let meetsPolicy = PolicyEvaluationResult(.meets)

    /// The attestation fails the policy, reported as ``WebAuthnError/Code/attestationPolicyRejected``.
    ///
    /// - Parameter reason: Why, for humans; evaluated lazily.
    /// - Returns: A failing result.
    public static func failsToMeetPolicy(reason: @autoclosure @escaping @Sendable () -> String) -> PolicyEvaluationResult {
        PolicyEvaluationResult(.fails(.attestationPolicyRejected, reason))
    }

    /// The attestation fails the policy, reported with `code`.
    ///
    /// - Parameters:
    ///   - code: The error code the verifier throws, for example ``WebAuthnError/Code/attestationUntrusted``.
    ///   - reason: Why, for humans; evaluated lazily.
    /// - Returns: A failing result.
    public static func failsToMeetPolicy(
        code: WebAuthnError.Code, reason: @autoclosure @escaping @Sendable () -> String
    ) -> PolicyEvaluationResult {
        PolicyEvaluationResult(.fails(code, reason))
    }

    /// Whether the attestation meets the policy.
    public var isMet: Bool {
        if case .meets = outcome { return true }
        return false
    }

    /// For a failure, its code (the reason is not built); nil when the policy is met.
    public var failureCode: WebAuthnError.Code? {
        switch outcome {
        case .meets: return nil
        case .fails(let code, _): return code
        }
    }

    /// For a failure, its code and reason (the reason is built now); nil when the policy is met.
    public var failure: (code: WebAuthnError.Code, reason: String)? {
        switch outcome {
        case .meets: return nil
        case .fails(let code, let reason): return (code, reason())
        }
    }
}
