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
