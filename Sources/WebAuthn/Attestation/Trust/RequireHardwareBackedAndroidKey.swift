/// For `android-key` attestations, requires a key generated in and restricted by a trusted execution environment
/// (TEE or StrongBox).
///
/// WebAuthn L3 §8.4 lets a relying party that "wants to accept only keys from a trusted execution environment"
/// check `origin` and `purpose` in the `teeEnforced` authorization list alone; by default the verifier accepts them
/// from the union with `softwareEnforced`. This policy also requires the attestation security level not to be
/// Software. Other formats meet it. A failure is ``WebAuthnError/Code/attestationPolicyRejected``.
public struct RequireHardwareBackedAndroidKey: AttestationPolicy {
    /// The policy.
    public init() {}

    /// Fails an `android-key` candidate whose key is not hardware-backed; meets every other candidate.
    ///
    /// - Parameter candidate: The verified attestation.
    /// - Returns: The outcome.
    public func evaluate(_ candidate: AttestationCandidate) -> PolicyEvaluationResult {
        guard let details = candidate.androidKey else { return .meetsPolicy }
        guard details.attestationSecurityLevel != .software else {
            return .failsToMeetPolicy(reason: "android-key attestation security level is Software")
        }
        guard details.originAndPurposeHardwareEnforced else {
            return .failsToMeetPolicy(
                reason: "android-key origin GENERATED and purpose SIGN are not in the teeEnforced authorization list")
        }
        return .meetsPolicy
    }
}
