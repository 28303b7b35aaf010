/// The client data a browser collected for a ceremony (WebAuthn L3 §5.8.1), parsed from `clientDataJSON`.
///
/// Members other than `type`, `challenge`, `origin`, `crossOrigin` and `topOrigin` are ignored, as the
/// specification requires (clients may add members, and Chromium does). The JSON itself is parsed strictly.
public struct CollectedClientData: Sendable, Hashable {
    /// `webauthn.create` or `webauthn.get` (or anything else a client sent; the ceremony checks it).
    public let type: String
    /// The challenge, base64url-encoded, exactly as the client wrote it.
    public let challenge: String
    /// The origin of the caller.
    public let origin: String
    /// Whether the caller was in a frame that is not same-origin with its ancestors. Absent is nil.
    public let crossOrigin: Bool?
    /// The top-level origin, present only for cross-origin calls.
    public let topOrigin: String?

    private static let members: [StaticString] = ["type", "challenge", "origin", "crossOrigin", "topOrigin"]

    /// Parses `clientDataJSON`.
    ///
    /// A leading UTF-8 byte order mark is stripped first (the "UTF-8 decode" of WebAuthn L3 §7.1 step 5 and §7.2
    /// step 8 requires it).
    ///
    /// - Throws: ``WebAuthnError/Code/malformedClientData`` when the bytes are not a JSON object, or `type`,
    ///   `challenge` or `origin` is missing or not a string, or `crossOrigin` is not a boolean, or `topOrigin`
    ///   is not a string.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        var input = bytes
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { input.removeFirst(3) }
        var type: String? = nil
        var challenge: String? = nil
        var origin: String? = nil
        var crossOrigin: Bool? = nil
        var topOrigin: String? = nil
        do {
            try JSONReader.withReader(input) { (reader) throws(WebAuthnError) in
                guard try reader.peekKind() == .object else { throw reader.error("clientDataJSON is not a JSON object") }
                try reader.beginObject()
                var cursor = JSONReader.ContainerCursor()
                var tracker = MemberTracker(known: Self.members)
                while let key = try reader.nextMember(&cursor) {
                    switch try tracker.record(key, in: reader) {
                    case 0: type = try Self.string(&reader, "type")
                    case 1: challenge = try Self.string(&reader, "challenge")
                    case 2: origin = try Self.string(&reader, "origin")
                    case 3:
                        guard try reader.peekKind() == .bool else { throw reader.error("crossOrigin is not a boolean") }
                        crossOrigin = try reader.readBool()
                    case 4: topOrigin = try Self.string(&reader, "topOrigin")
                    default: try reader.skipValue()
                    }
                }
                try reader.expectEnd()
            }
        } catch {
            throw WebAuthnError(.malformedClientData, "clientDataJSON: \(error.reason)")
        }
        guard let type, let challenge, let origin else {
            throw WebAuthnError(.malformedClientData, "clientDataJSON lacks type, challenge or origin")
        }
        self.type = type
        self.challenge = challenge
        self.origin = origin
        self.crossOrigin = crossOrigin
        self.topOrigin = topOrigin
    }

    private static func string(_ reader: inout JSONReader, _ name: String) throws(WebAuthnError) -> String {
        guard try reader.peekKind() == .string else { throw reader.error("\(name) is not a string") }
        return try reader.readString()
    }
}
