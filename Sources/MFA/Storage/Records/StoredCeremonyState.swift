public import WebAuthn

/// The server-side state of a WebAuthn ceremony in progress.
public enum WebAuthnCeremonyState: Sendable, Hashable {
    /// Between ``WebAuthn/RelyingParty/startRegistration(user:excludeCredentials:)`` and its finish.
    case registration(RegistrationState)
    /// Between ``WebAuthn/RelyingParty/startAuthentication(allowCredentials:appID:)`` and its finish.
    case authentication(AuthenticationState)

    /// When the ceremony expires (Unix seconds).
    public var expiresAt: Int64 {
        switch self {
        case .registration(let state): return state.expiresAt
        case .authentication(let state): return state.expiresAt
        }
    }
}

/// A WebAuthn ceremony state kept on the server between start and finish.
///
/// The finish takes it with ``MFAStoreTransaction/consumeCeremonyState(id:at:)``, which deletes it and
/// returns it in one step: of two concurrent finishes of one ceremony, at most one gets the state.
public struct StoredCeremonyState: Sendable, Hashable {
    /// A random identifier the client sends back (in a session cookie, for example); never empty.
    public let id: String
    /// The account, or nil for a sign-in that has not identified the user (discoverable credentials).
    public let accountID: String?
    /// The state itself.
    public let state: WebAuthnCeremonyState
    /// When the ceremony started (Unix seconds).
    public let createdAt: Int64

    /// When the state expires (Unix seconds); from the state.
    public var expiresAt: Int64 { state.expiresAt }

    /// A state to store with ``MFAStoreTransaction/insertCeremonyState(_:)``.
    ///
    /// - Parameters:
    ///   - id: A new random identifier.
    ///   - accountID: The account, if known.
    ///   - state: The ceremony state.
    ///   - createdAt: The start time in Unix seconds.
    public init(id: String, accountID: String?, state: WebAuthnCeremonyState, createdAt: Int64) {
        self.id = id
        self.accountID = accountID
        self.state = state
        self.createdAt = createdAt
    }
}
