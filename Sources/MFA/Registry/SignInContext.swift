/// What the server knows about a sign-in attempt once the password has been accepted.
public struct SignInContext: Sendable, Hashable {
    /// The trusted-device token the client presented (`id.secret`), if any.
    public var deviceToken: String?
    /// The client's IP address, if known.
    public var ipAddress: IPAddress?
    /// When the attempt happens, in Unix seconds; nil for the registry's clock.
    public var time: Int64?
    /// Where the client is, if the caller knows; otherwise the registry asks its ``IPLocator``.
    public var location: GeoLocation?

    /// A context.
    ///
    /// - Parameters:
    ///   - deviceToken: The presented trusted-device token, if any.
    ///   - ipAddress: The client's address, if known.
    ///   - time: Unix seconds; nil for the registry's clock.
    ///   - location: The client's location, if known.
    public init(deviceToken: String? = nil, ipAddress: IPAddress? = nil, time: Int64? = nil, location: GeoLocation? = nil) {
        self.deviceToken = deviceToken
        self.ipAddress = ipAddress
        self.time = time
        self.location = location
    }
}
