/// The user account a credential is created for (WebAuthn L3 §5.4.3).
public struct PublicKeyCredentialUserEntity: Hashable, Sendable {
    /// The user handle: 1 to 64 opaque bytes that identify the account and contain no personal information.
    public var id: [UInt8]
    /// A human-palatable account identifier, e.g. an e-mail address.
    public var name: String
    /// A human-palatable display name.
    public var displayName: String

    /// A user entity.
    public init(id: [UInt8], name: String, displayName: String) {
        self.id = id
        self.name = name
        self.displayName = displayName
    }
}
