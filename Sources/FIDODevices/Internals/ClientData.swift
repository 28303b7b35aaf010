/// `clientDataJSON` as a browser builds it (WebAuthn L3 §5.8.1.1): `type`, `challenge`, `origin`,
/// `crossOrigin` in that order, strings serialized per §5.8.1.2.
enum ClientData {
    /// The JSON bytes for a ceremony of `type` (`webauthn.create` or `webauthn.get`).
    static func json(type: String, challenge: [UInt8], origin: String) -> [UInt8] {
        OutputJSON.object([
            ("type", .string(type)), ("challenge", .base64URL(challenge)), ("origin", .string(origin)),
            ("crossOrigin", .bool(false)),
        ]).bytes()
    }
}
