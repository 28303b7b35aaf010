/// A credential for a delivery channel (a Twilio auth token or API key secret, a webhook signing secret)
/// that never shows up in logs.
///
/// Its `description`, `debugDescription` and reflection (`dump`, `print`, string interpolation) all read
/// `<redacted>`. The bytes are reachable only inside this module.
public struct GatewaySecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret's bytes.
    let bytes: [UInt8]

    /// A secret given as text, taken as its UTF-8 bytes.
    ///
    /// - Parameter text: For example the auth token from the Twilio console.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// A secret given as raw bytes.
    ///
    /// - Parameter bytes: For example 32 bytes from a key file.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether the secret has no bytes (which no channel accepts).
    public var isEmpty: Bool { bytes.isEmpty }

    /// `<redacted>`.
    public var description: String { "<redacted>" }
    /// `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` shows nothing of the secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// The secret as text, for HTTP basic authentication (it was given as text for that purpose).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
