/// Whether a ceremony requires user verification (WebAuthn L3 §5.8.6).
public enum UserVerificationRequirement: String, Sendable, Hashable, CaseIterable {
    /// The UV flag must be set.
    case required
    /// Verification is requested; its absence is accepted.
    case preferred
    /// Verification is not wanted; its presence is accepted.
    case discouraged
}

/// Whether the relying party wants a client-side discoverable credential (WebAuthn L3 §5.4.6).
public enum ResidentKeyRequirement: String, Sendable, Hashable, CaseIterable {
    /// A server-side credential is preferred.
    case discouraged
    /// A discoverable credential is preferred.
    case preferred
    /// A discoverable credential is required.
    case required
}

/// The relying party's preference for attestation conveyance (WebAuthn L3 §5.4.7).
public enum AttestationConveyancePreference: String, Sendable, Hashable, CaseIterable {
    /// No attestation is wanted (the client may replace it with `none`).
    case none
    /// An attestation is wanted; the client may anonymize it.
    case indirect
    /// The authenticator's attestation is wanted as generated.
    case direct
    /// An enterprise attestation (uniquely identifying) is wanted.
    case enterprise
}

/// Where an authenticator sits relative to the client (WebAuthn L3 §5.4.5).
public enum AuthenticatorAttachment: String, Sendable, Hashable, CaseIterable {
    /// Built into the client device.
    case platform
    /// Removable or reached over a transport (security keys, phones).
    case crossPlatform = "cross-platform"
}
