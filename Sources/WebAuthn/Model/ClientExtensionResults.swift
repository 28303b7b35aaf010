/// The client extension outputs of a response (`clientExtensionResults`, WebAuthn L3 §5.1 and §9).
///
/// The outputs this verifier acts on are typed; every output is also kept in ``json``.
public struct ClientExtensionResults: Sendable, Hashable {
    /// `appid` (§10.1.1): true when the client used the AppID instead of the RP ID for the assertion.
    public let appid: Bool?
    /// `appidExclude` (§10.1.2).
    public let appidExclude: Bool?
    /// `credProps.rk` (§10.1.3): whether the new credential is client-side discoverable.
    public let credentialPropertiesResidentKey: Bool?
    /// All outputs, as received.
    package let json: JSONObject

    /// No outputs.
    public init() {
        appid = nil
        appidExclude = nil
        credentialPropertiesResidentKey = nil
        json = JSONObject()
    }

    /// Reads the outputs from an object.
    ///
    /// - Throws: ``WebAuthnError/Code/extensionInvalid`` when a known output has the wrong type.
    package init(json object: JSONObject) throws(WebAuthnError) {
        func bool(_ name: String) throws(WebAuthnError) -> Bool? {
            guard let value = object[name] else { return nil }
            guard let b = value.boolValue else {
                throw WebAuthnError(.extensionInvalid, "client extension output \(name) is not a boolean")
            }
            return b
        }
        appid = try bool("appid")
        appidExclude = try bool("appidExclude")
        if let props = object["credProps"] {
            guard let props = props.objectValue else {
                throw WebAuthnError(.extensionInvalid, "client extension output credProps is not an object")
            }
            if let rk = props["rk"] {
                guard let value = rk.boolValue else {
                    throw WebAuthnError(.extensionInvalid, "client extension output credProps.rk is not a boolean")
                }
                credentialPropertiesResidentKey = value
            } else {
                credentialPropertiesResidentKey = nil
            }
        } else {
            credentialPropertiesResidentKey = nil
        }
        json = object
    }
}
