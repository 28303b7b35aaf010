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

    private static let topMembers: [StaticString] = [
        "id", "rawId", "response", "authenticatorAttachment", "clientExtensionResults", "type",
    ]
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
        var id: [UInt8]? = nil
        var rawID: [UInt8]? = nil
        var typeIsPublicKey: Bool? = nil
        var typeText = ""
        var attachment: String? = nil
        var extensions = ClientExtensionResults()
        var clientDataJSON: [UInt8]? = nil
        var authenticatorData: [UInt8]? = nil
        var signature: [UInt8]? = nil
        var userHandle: [UInt8]? = nil
        try JSONReader.withReader(jsonBytes) { (reader) throws(WebAuthnError) in
            try reader.expectMember(.object, "the authentication response")
            try reader.beginObject()
            var cursor = JSONReader.ContainerCursor()
            var tracker = MemberTracker(known: Self.topMembers)
            while let key = try reader.nextMember(&cursor) {
                switch try tracker.record(key, in: reader) {
                case 0:
                    try reader.expectMember(.string, "id")
                    id = try reader.readBase64URL()
                case 1:
                    try reader.expectMember(.string, "rawId")
                    rawID = try reader.readBase64URL()
                case 2:
                    try reader.expectMember(.object, "response")
                    try reader.beginObject()
                    var inner = JSONReader.ContainerCursor()
                    var innerTracker = MemberTracker(known: Self.responseMembers)
                    while let innerKey = try reader.nextMember(&inner) {
                        switch try innerTracker.record(innerKey, in: reader) {
                        case 0:
                            try reader.expectMember(.string, "response.clientDataJSON")
                            clientDataJSON = try reader.readBase64URL()
                        case 1:
                            try reader.expectMember(.string, "response.authenticatorData")
                            authenticatorData = try reader.readBase64URL()
                        case 2:
                            try reader.expectMember(.string, "response.signature")
                            signature = try reader.readBase64URL()
                        case 3:
                            if try reader.readNullIfPresent() { break }
                            try reader.expectMember(.string, "response.userHandle")
                            let handle = try reader.readBase64URL()
                            userHandle = handle.isEmpty ? nil : handle
                        default: try reader.skipValue()
                        }
                    }
                case 3: attachment = try reader.readOptionalString("authenticatorAttachment")
                case 4: extensions = try reader.readClientExtensionResults()
                case 5:
                    try reader.expectMember(.string, "type")
                    let token = try reader.readStringToken()
                    typeIsPublicKey = reader.token(token, equals: "public-key")
                    if typeIsPublicKey == false { typeText = reader.decodedString(token) }
                default: try reader.skipValue()
                }
            }
            try reader.expectEnd()
        }
        guard let id, let rawID, let typeIsPublicKey else {
            throw WebAuthnError(.malformedInput, "the authentication response lacks id, rawId or type")
        }
        guard let clientDataJSON, let authenticatorData, let signature else {
            throw WebAuthnError(
                .malformedInput, "the authentication response lacks clientDataJSON, authenticatorData or signature")
        }
        // WebAuthn L3 §5.1: a PublicKeyCredential's type is "public-key".
        guard typeIsPublicKey else {
            throw WebAuthnError(.credentialTypeInvalid, "credential type is \"\(typeText)\", not \"public-key\"")
        }
        // WebAuthn L3 §5.1: id is the base64url encoding of rawId.
        guard id == rawID else { throw WebAuthnError(.credentialIDMismatch, "id and rawId differ") }
        self.rawID = rawID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
        self.authenticatorAttachment = attachment
        self.clientExtensionResults = extensions
    }

    /// Parses an `AuthenticationResponseJSON` document given as text.
    ///
    /// - Throws: as ``init(jsonBytes:)``.
    public init(jsonString: String) throws(WebAuthnError) {
        try self.init(jsonBytes: Array(jsonString.utf8))
    }
}
