/// The members every `PublicKeyCredential` JSON document has (WebAuthn L3 §5.1: `id`, `rawId`, `response`,
/// `authenticatorAttachment`, `clientExtensionResults`, `type`), read once for both ``RegistrationResponseJSON``
/// and ``AuthenticationResponseJSON``; each hands the members of its own `response` object to a closure.
struct CredentialJSONEnvelope {
    private static let members: [StaticString] = [
        "id", "rawId", "response", "authenticatorAttachment", "clientExtensionResults", "type",
    ]

    private let id: [UInt8]
    /// The credential ID, from `rawId`.
    let rawID: [UInt8]
    private let typeIsPublicKey: Bool
    private let typeText: String
    /// `authenticatorAttachment`, when present.
    let attachment: String?
    /// `clientExtensionResults`.
    let extensions: ClientExtensionResults

    /// Reads a credential document, strictly: one object, no duplicate member, the known members typed as
    /// WebAuthn L3 §5.1 says.
    ///
    /// - Parameters:
    ///   - jsonBytes: The document.
    ///   - document: What it is, for messages ("the registration response").
    ///   - responseMembers: The members of `response` the caller reads; any other member is skipped.
    ///   - readResponseMember: Called with the index in `responseMembers` of each such member, the reader standing
    ///     at its value, which the closure must consume.
    /// - Throws: ``WebAuthnError/Code/invalidJSON``, ``WebAuthnError/Code/malformedInput`` (a mistyped member, or
    ///   no `id`, `rawId` or `type`), ``WebAuthnError/Code/invalidBase64URL``, ``WebAuthnError/Code/extensionInvalid``,
    ///   or what `readResponseMember` throws.
    static func read(
        _ jsonBytes: [UInt8], document: String, responseMembers: [StaticString],
        _ readResponseMember: (Int, inout JSONReader) throws(WebAuthnError) -> Void
    ) throws(WebAuthnError) -> CredentialJSONEnvelope {
        var id: [UInt8]? = nil
        var rawID: [UInt8]? = nil
        var typeIsPublicKey: Bool? = nil
        var typeText = ""
        var attachment: String? = nil
        var extensions = ClientExtensionResults()
        try JSONReader.withReader(jsonBytes) { (reader) throws(WebAuthnError) in
            try reader.expectMember(.object, document)
            try reader.beginObject()
            var cursor = JSONReader.ContainerCursor()
            var tracker = MemberTracker(known: Self.members)
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
                    var innerTracker = MemberTracker(known: responseMembers)
                    while let innerKey = try reader.nextMember(&inner) {
                        if let index = try innerTracker.record(innerKey, in: reader) {
                            try readResponseMember(index, &reader)
                        } else {
                            try reader.skipValue()
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
            throw WebAuthnError(.malformedInput, "\(document) lacks id, rawId or type")
        }
        return CredentialJSONEnvelope(
            id: id, rawID: rawID, typeIsPublicKey: typeIsPublicKey, typeText: typeText, attachment: attachment,
            extensions: extensions)
    }

    /// The checks of WebAuthn L3 §5.1 on the envelope, made after the caller has checked its own members.
    ///
    /// - Throws: ``WebAuthnError/Code/credentialTypeInvalid`` when `type` is not `public-key`,
    ///   ``WebAuthnError/Code/credentialIDMismatch`` when `id` and `rawId` differ.
    func validate() throws(WebAuthnError) {
        // WebAuthn L3 §5.1: a PublicKeyCredential's type is "public-key".
        guard typeIsPublicKey else {
            throw WebAuthnError(.credentialTypeInvalid, "credential type is \"\(typeText)\", not \"public-key\"")
        }
        // WebAuthn L3 §5.1: id is the base64url encoding of rawId.
        guard id == rawID else { throw WebAuthnError(.credentialIDMismatch, "id and rawId differ") }
    }
}
