public import WebAuthn

/// A started WebAuthn ceremony: the options for the browser and the identifier of the state the registry
/// keeps for it (single use, until it expires).
public struct SecurityKeyCeremony<Options: Sendable & Hashable>: Sendable, Hashable {
    /// Send this back with the browser's response.
    public let ceremonyID: String
    /// The options for `navigator.credentials.create()` or `.get()`; `jsonString()` gives the JSON.
    public let options: Options
    /// When the ceremony expires (Unix seconds).
    public let expiresAt: Int64
}

/// A started security-key registration.
public typealias SecurityKeyRegistrationCeremony = SecurityKeyCeremony<PublicKeyCredentialCreationOptionsJSON>
/// A started security-key sign-in.
public typealias SecurityKeySignInCeremony = SecurityKeyCeremony<PublicKeyCredentialRequestOptionsJSON>
