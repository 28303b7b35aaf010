/// How a client can reach an authenticator (WebAuthn L3 §5.8.4). Unknown values are kept, as the spec asks.
public struct AuthenticatorTransport: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The transport's name, e.g. `usb`.
    public let rawValue: String
    /// A transport by name; unknown names are kept.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Removable USB.
    public static let usb = AuthenticatorTransport(rawValue: "usb")
    /// Near Field Communication.
    public static let nfc = AuthenticatorTransport(rawValue: "nfc")
    /// Bluetooth Low Energy.
    public static let ble = AuthenticatorTransport(rawValue: "ble")
    /// An ISO/IEC 7816 smart card.
    public static let smartCard = AuthenticatorTransport(rawValue: "smart-card")
    /// A hybrid (phone as authenticator) connection.
    public static let hybrid = AuthenticatorTransport(rawValue: "hybrid")
    /// A platform authenticator.
    public static let `internal` = AuthenticatorTransport(rawValue: "internal")

    public var description: String { rawValue }
}
