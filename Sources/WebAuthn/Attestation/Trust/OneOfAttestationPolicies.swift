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

    public mutating func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard !policies.isEmpty else {
            return .failsToMeetPolicy(reason: "an empty OneOfAttestationPolicies accepts nothing")
        }
        var failures: [(code: WebAuthnError.Code, reason: String)] = []
        for index in policies.indices {
            let result = policies[index].evaluate(candidate)
            guard let failure = result.failure else { return .meetsPolicy }
            failures.append(failure)
        }
        // One code when every alternative failed the same way; otherwise the generic policy code.
        let codes = Set(failures.map(\.code))
        let code = codes.count == 1 ? failures[0].code : .attestationPolicyRejected
        let reasons = failures.map(\.reason)
        return .failsToMeetPolicy(code: code, reason: "no alternative met: " + reasons.joined(separator: "; "))
    }
}
