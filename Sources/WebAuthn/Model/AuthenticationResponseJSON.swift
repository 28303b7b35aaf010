/// An authentication response in the WebAuthn Level 3 JSON form (`AuthenticationResponseJSON`, §5.1), parsed
/// into typed values: what a browser's `PublicKeyCredential.toJSON()` gives after `navigator.credentials.get()`.
///
/// Parsing checks the shape and that `type` is `public-key` and `id` equals `rawId`; the ceremony checks the rest
/// in ``RelyingParty/finishAuthentication(_:state:credential:)``. The parse is one pass over the bytes with no
/// intermediate tree: it sits on the hot path of every sign-in.
public struct AuthenticationResponseJSON: Sendable, Hashable {
    /// The credential ID (`rawId`, decoded).
    public let rawID: [UInt8]
    /// `response.clientDataJSON`, decoded.
    public let clientDataJSON: [UInt8]
    /// `response.authenticatorData`, decoded.
    public let authenticatorData: [UInt8]
    /// `response.signature`, decoded.
    public let signature: [UInt8]
    /// `response.userHandle`, decoded; nil when absent, null or empty.
    public let userHandle: [UInt8]?
    /// `authenticatorAttachment`, when the client reported one.
    public let authenticatorAttachment: String?
    /// `clientExtensionResults`.
    public let clientExtensionResults: ClientExtensionResults

    private static let responseMembers: [StaticString] = [
        "clientDataJSON", "authenticatorData", "signature", "userHandle",
    ]

    /// Parses an `AuthenticationResponseJSON` document.
    ///
    /// Unknown members are ignored; `clientExtensionResults` may be absent (read as empty). A `userHandle` that
    /// is null or empty counts as absent (some clients send an empty one for non-discoverable credentials).
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for text that is not JSON, ``WebAuthnError/Code/malformedInput``
    ///   for a missing or mistyped member, ``WebAuthnError/Code/invalidBase64URL`` for a member that is not
    ///   base64url, ``WebAuthnError/Code/credentialTypeInvalid`` when `type` is not `public-key`,
    ///   ``WebAuthnError/Code/credentialIDMismatch`` when `id` and `rawId` differ, and
    ///   ``WebAuthnError/Code/extensionInvalid`` for a mistyped known extension output.
    public init(jsonBytes: [UInt8]) throws(WebAuthnError) {
        var clientDataJSON: [UInt8]? = nil
        var authenticatorData: [UInt8]? = nil
        var signature: [UInt8]? = nil
        var userHandle: [UInt8]? = nil
        let envelope = try CredentialJSONEnvelope.read(
            jsonBytes, document: "the authentication response", responseMembers: Self.responseMembers
        ) { (index, reader) throws(WebAuthnError) in
            switch index {
            case 0:
                try reader.expectMember(.string, "response.clientDataJSON")
                clientDataJSON = try reader.readBase64URL()
            case 1:
                try reader.expectMember(.string, "response.authenticatorData")
                authenticatorData = try reader.readBase64URL()
            case 2:
                try reader.expectMember(.string, "response.signature")
                signature = try reader.readBase64URL()
            default:
                if try reader.readNullIfPresent() { return }
                try reader.expectMember(.string, "response.userHandle")
                let handle = try reader.readBase64URL()
                userHandle = handle.isEmpty ? nil : handle
            }
        }
        guard let clientDataJSON, let authenticatorData, let signature else {
            throw WebAuthnError(
                .malformedInput, "the authentication response lacks clientDataJSON, authenticatorData or signature")
        }
        try envelope.validate()
        self.rawID = envelope.rawID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
        self.authenticatorAttachment = envelope.attachment
        self.clientExtensionResults = envelope.extensions
    }

    /// Parses an `AuthenticationResponseJSON` document given as text.
    ///
    /// - Throws: as ``init(jsonBytes:)``.
    public init(jsonString: String) throws(WebAuthnError) {
        try self.init(jsonBytes: Array(jsonString.utf8))
    }
}
