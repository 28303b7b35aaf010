/// The outcome of a verified authentication ceremony. Only ``RelyingParty/finishAuthentication(_:state:credential:)``
/// makes one.
public struct AuthenticationResult: Sendable, Hashable {
    /// The credential record with the new state: sign count, BE, BS and whether the user was ever verified.
    public let record: CredentialRecord
    /// Whether ``record`` differs from the record passed in, so the server must store it.
    public let needsUpdate: Bool
    /// Whether the sign count failed to increase and ``CounterPolicy/relaxed`` let the assertion through.
    /// Always false under ``CounterPolicy/strict`` (which throws instead).
    public let counterRegressed: Bool
    /// Whether the user was verified in this assertion (the UV flag).
    public let userVerified: Bool
    /// The user handle the authenticator returned, if any.
    public let userHandle: [UInt8]?
    /// Whether the client used the `appid` extension (a U2F credential moved over).
    public let usedAppID: Bool
}
