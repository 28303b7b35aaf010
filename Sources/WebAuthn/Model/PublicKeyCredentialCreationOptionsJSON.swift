/// Registration options in the WebAuthn Level 3 JSON form (`PublicKeyCredentialCreationOptionsJSON`, §5.1),
/// ready for a browser's `PublicKeyCredential.parseCreationOptionsFromJSON()`.
///
/// ``RelyingParty/startRegistration(user:excludeCredentials:)`` makes them; send ``jsonString()`` to the page.
public struct PublicKeyCredentialCreationOptionsJSON: Sendable, Hashable {
    /// The RP ID.
    public let rpID: String
    /// The relying party's display name.
    public let rpName: String
    /// The user account.
    public let user: PublicKeyCredentialUserEntity
    /// The challenge.
    public let challenge: [UInt8]
    /// The acceptable algorithms, most preferred first.
    public let algorithms: [COSEAlgorithm]
    /// The timeout, in milliseconds.
    public let timeoutMilliseconds: Int
    /// Credentials the authenticator must not already hold.
    public let excludeCredentials: [PublicKeyCredentialDescriptor]
    /// The resident key requirement.
    public let residentKey: ResidentKeyRequirement
    /// The user verification requirement.
    public let userVerification: UserVerificationRequirement
    /// The authenticator attachment, when restricted.
    public let authenticatorAttachment: AuthenticatorAttachment?
    /// The attestation conveyance preference.
    public let attestation: AttestationConveyancePreference

    /// The options as a JSON object, members in a fixed order:
    /// `rp`, `user`, `challenge`, `pubKeyCredParams`, `timeout`, `excludeCredentials`, `authenticatorSelection`,
    /// `attestation`, `extensions` (`credProps: true`, so the response says whether the credential is discoverable).
    package var jsonValue: JSONValue {
        var selection = JSONObject()
        if let authenticatorAttachment { selection["authenticatorAttachment"] = .string(authenticatorAttachment.rawValue) }
        selection["residentKey"] = .string(residentKey.rawValue)
        selection["requireResidentKey"] = .bool(residentKey == .required)
        selection["userVerification"] = .string(userVerification.rawValue)
        var object = JSONObject()
        object["rp"] = .object(JSONObject(["name": .string(rpName), "id": .string(rpID)]))
        object["user"] = .object(
            JSONObject([
                "id": .string(Base64URL.encode(user.id)), "name": .string(user.name),
                "displayName": .string(user.displayName),
            ]))
        object["challenge"] = .string(Base64URL.encode(challenge))
        object["pubKeyCredParams"] = .array(
            algorithms.map { .object(JSONObject(["type": .string("public-key"), "alg": .integer($0.rawValue)])) })
        object["timeout"] = .integer(timeoutMilliseconds)
        object["excludeCredentials"] = .array(excludeCredentials.map(\.json))
        object["authenticatorSelection"] = .object(selection)
        object["attestation"] = .string(attestation.rawValue)
        object["extensions"] = .object(JSONObject(["credProps": .bool(true)]))
        return .object(object)
    }

    /// The options as compact JSON text.
    public func jsonString() -> String { JSONWriter.string(jsonValue) }

    /// The options as compact JSON (UTF-8).
    public func jsonBytes() -> [UInt8] { JSONWriter.bytes(jsonValue) }
}
