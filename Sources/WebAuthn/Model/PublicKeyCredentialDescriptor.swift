/// A credential the relying party names in `excludeCredentials` or `allowCredentials` (WebAuthn L3 §5.8.3).
public struct PublicKeyCredentialDescriptor: Hashable, Sendable {
    /// The credential ID.
    public var id: [UInt8]
    /// Transport hints for the client.
    public var transports: [AuthenticatorTransport]

    /// A descriptor for credential `id` with optional transport hints.
    public init(id: [UInt8], transports: [AuthenticatorTransport] = []) {
        self.id = id
        self.transports = transports
    }

    var json: JSONValue {
        var object = JSONObject()
        object["type"] = .string("public-key")
        object["id"] = .string(Base64URL.encode(id))
        if !transports.isEmpty { object["transports"] = .array(transports.map { .string($0.rawValue) }) }
        return .object(object)
    }
}
