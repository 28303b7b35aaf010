/// The attestation types of WebAuthn L3 §6.5.3: what an attestation statement says about where the credential
/// key lives.
public enum AttestationType: String, Sendable {
    /// No attestation: the `none` format.
    case none
    /// Self attestation: the credential key signed its own statement (packed without `x5c`).
    case `self` = "self"
    /// Basic attestation: an attestation key shared by a batch of authenticators signed the statement.
    ///
    /// The packed, fido-u2f, android-key and android-safetynet formats report this type; without external
    /// knowledge they cannot tell it apart from ``attca``, as WebAuthn L3 §8.2 notes.
    case basic
    /// Attestation CA: a per-authenticator attestation key certified by a CA (the tpm format).
    case attca
    /// Anonymization CA: a per-credential certificate from an anonymizing CA (the apple format).
    case anonca
}
