/// What ``RelyingParty/finishAuthentication(_:state:credential:)`` does when the signature counter did not
/// increase (WebAuthn L3 §7.2 step 22), which can mean that the credential private key was cloned.
///
/// Both counts zero is never a regression: many authenticators (passkeys in particular) do not count.
public enum CounterPolicy: Sendable, Hashable {
    /// Reject with ``WebAuthnError/Code/counterRegression`` (the error carries both counts). The default.
    case strict
    /// Accept, keep the stored count (a lower one would weaken later checks), and report it in
    /// ``AuthenticationResult/counterRegressed`` for the relying party's risk scoring.
    case relaxed
}
