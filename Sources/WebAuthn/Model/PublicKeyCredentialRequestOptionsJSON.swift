/// Authentication options in the WebAuthn Level 3 JSON form (`PublicKeyCredentialRequestOptionsJSON`, §5.1),
/// ready for a browser's `PublicKeyCredential.parseRequestOptionsFromJSON()`.
///
/// ``RelyingParty/startAuthentication(allowCredentials:appID:)`` makes them; send ``jsonString()`` to the page.
public struct PublicKeyCredentialRequestOptionsJSON: Sendable, Hashable {
    /// The challenge.
    public let challenge: [UInt8]
    /// The timeout, in milliseconds.
    public let timeoutMilliseconds: Int
    /// The RP ID.
    public let rpID: String
    /// The credentials that may answer; empty for a discoverable-credential ceremony.
    public let allowCredentials: [PublicKeyCredentialDescriptor]
    /// The user verification requirement.
    public let userVerification: UserVerificationRequirement
    /// The FIDO AppID of U2F credentials moved over, sent as the `appid` extension input.
    public let appID: String?

    /// The options as a JSON object, members in a fixed order: `challenge`, `timeout`, `rpId`,
    /// `allowCredentials`, `userVerification`, and `extensions` (`appid`) when an AppID is set.
    package var jsonValue: JSONValue {
        var object = JSONObject()
        object["challenge"] = .string(Base64URL.encode(challenge))
        object["timeout"] = .integer(timeoutMilliseconds)
        object["rpId"] = .string(rpID)
        object["allowCredentials"] = .array(allowCredentials.map(\.json))
        object["userVerification"] = .string(userVerification.rawValue)
        if let appID { object["extensions"] = .object(JSONObject(["appid": .string(appID)])) }
        return .object(object)
    }

    /// The options as compact JSON text.
    public func jsonString() -> String { JSONWriter.string(jsonValue) }

    /// The options as compact JSON (UTF-8).
    public func jsonBytes() -> [UInt8] { JSONWriter.bytes(jsonValue) }
}
