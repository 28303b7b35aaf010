/// A registration response in the WebAuthn Level 3 JSON form (`RegistrationResponseJSON`, §5.1), parsed into
/// typed values: what a browser's `PublicKeyCredential.toJSON()` gives after `navigator.credentials.create()`.
///
/// Parsing checks the shape and that `type` is `public-key` and `id` equals `rawId`; the ceremony checks the rest
/// in ``RelyingParty/finishRegistration(_:state:)``.
public struct RegistrationResponseJSON: Sendable, Hashable {
    /// The credential ID (`rawId`, decoded).
    public let rawID: [UInt8]
    /// `response.clientDataJSON`, decoded.
    public let clientDataJSON: [UInt8]
    /// `response.attestationObject`, decoded.
    public let attestationObject: [UInt8]
    /// `response.transports` (empty when absent).
    public let transports: [AuthenticatorTransport]
    /// `authenticatorAttachment`, when the client reported one.
    public let authenticatorAttachment: String?
    /// `clientExtensionResults`.
    public let clientExtensionResults: ClientExtensionResults

    private static let responseMembers: [StaticString] = ["clientDataJSON", "attestationObject", "transports"]

    /// Parses a `RegistrationResponseJSON` document.
    ///
    /// Unknown members are ignored. `clientExtensionResults` may be absent (read as empty), and so may the
    /// response's `transports`, `authenticatorData`, `publicKey` and `publicKeyAlgorithm` (the ceremony reads
    /// them from the attestation object).
    ///
    /// - Throws: ``WebAuthnError/Code/invalidJSON`` for text that is not JSON, ``WebAuthnError/Code/malformedInput``
    ///   for a missing or mistyped member, ``WebAuthnError/Code/invalidBase64URL`` for a member that is not
    ///   base64url, ``WebAuthnError/Code/credentialTypeInvalid`` when `type` is not `public-key`,
    ///   ``WebAuthnError/Code/credentialIDMismatch`` when `id` and `rawId` differ, and
    ///   ``WebAuthnError/Code/extensionInvalid`` for a mistyped known extension output.
    public init(jsonBytes: [UInt8]) throws(WebAuthnError) {
        var clientDataJSON: [UInt8]? = nil
        var attestationObject: [UInt8]? = nil
        var transports: [AuthenticatorTransport] = []
        let envelope = try CredentialJSONEnvelope.read(
            jsonBytes, document: "the registration response", responseMembers: Self.responseMembers
        ) { (index, reader) throws(WebAuthnError) in
            switch index {
            case 0:
                try reader.expectMember(.string, "response.clientDataJSON")
                clientDataJSON = try reader.readBase64URL()
            case 1:
                try reader.expectMember(.string, "response.attestationObject")
                attestationObject = try reader.readBase64URL()
            default: transports = try reader.readTransports()
            }
        }
        guard let clientDataJSON, let attestationObject else {
            throw WebAuthnError(.malformedInput, "the registration response lacks clientDataJSON or attestationObject")
        }
        try envelope.validate()
        self.rawID = envelope.rawID
        self.clientDataJSON = clientDataJSON
        self.attestationObject = attestationObject
        self.transports = transports
        self.authenticatorAttachment = envelope.attachment
        self.clientExtensionResults = envelope.extensions
    }

    /// Parses a `RegistrationResponseJSON` document given as text.
    ///
    /// - Throws: as ``init(jsonBytes:)``.
    public init(jsonString: String) throws(WebAuthnError) {
        try self.init(jsonBytes: Array(jsonString.utf8))
    }
}

extension JSONReader {
    /// Checks that the next value has `kind`, else throws ``WebAuthnError/Code/malformedInput`` naming `member`.
    mutating func expectMember(_ kind: Kind, _ member: String) throws(WebAuthnError) {
        let actual = try peekKind()
        guard actual == kind else { throw WebAuthnError(.malformedInput, "\(member) is not a JSON \(kind)") }
    }

    /// Reads a string member that may be absent-as-null.
    mutating func readOptionalString(_ member: String) throws(WebAuthnError) -> String? {
        if try readNullIfPresent() { return nil }
        try expectMember(.string, member)
        return try readString()
    }

    /// Reads `transports`: an array of strings.
    mutating func readTransports() throws(WebAuthnError) -> [AuthenticatorTransport] {
        try expectMember(.array, "response.transports")
        try beginArray()
        var cursor = ContainerCursor()
        var transports: [AuthenticatorTransport] = []
        while try nextElement(&cursor) {
            try expectMember(.string, "an element of response.transports")
            transports.append(AuthenticatorTransport(rawValue: try readString()))
        }
        return transports
    }

    /// Reads `clientExtensionResults`: an object.
    mutating func readClientExtensionResults() throws(WebAuthnError) -> ClientExtensionResults {
        try expectMember(.object, "clientExtensionResults")
        guard let object = try readValue().objectValue else {
            throw WebAuthnError(.malformedInput, "clientExtensionResults is not a JSON object")
        }
        if object.isEmpty { return ClientExtensionResults() }
        return try ClientExtensionResults(json: object)
    }
}
