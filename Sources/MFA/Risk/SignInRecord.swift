/// A past successful sign-in, as the risk signals need it: when, from which address, and from where.
public struct SignInRecord: Sendable, Hashable, Codable {
    /// Unix seconds.
    public var time: Int64
    /// The client's address, when recorded.
    public var ipAddress: IPAddress?
    /// Where the client was (from the sign-in context, or from GeoIP), when known.
    public var location: GeoLocation?

    /// A record.
    ///
    /// - Parameters:
    ///   - time: Unix seconds.
    ///   - ipAddress: The client's address, if recorded.
    ///   - location: The client's location, if known.
    public init(time: Int64, ipAddress: IPAddress? = nil, location: GeoLocation? = nil) {
        self.time = time
        self.ipAddress = ipAddress
        self.location = location
    }
}

/// The sign-in being judged.
public struct SignInAttempt: Sendable, Hashable {
    /// Unix seconds, from the injected clock.
    public var time: Int64
    /// The client's address, when the server knows it.
    public var ipAddress: IPAddress?
    /// Where the client is: given by the caller, or found with an ``IPLocator``.
    public var location: GeoLocation?
    /// What the client's trusted-device token proved.
    public var device: DeviceRecognition

    /// An attempt.
    ///
    /// - Parameters:
    ///   - time: Unix seconds.
    ///   - ipAddress: The client's address, if known.
    ///   - location: The client's location, if known.
    ///   - device: The trusted-device token's verdict.
    public init(time: Int64, ipAddress: IPAddress? = nil, location: GeoLocation? = nil, device: DeviceRecognition) {
        self.time = time
        self.ipAddress = ipAddress
        self.location = location
        self.device = device
    }

    /// This attempt with ``location`` filled in from `locator` when the caller gave none and the address
    /// is known.
    ///
    /// - Parameter locator: The GeoIP lookup.
    /// - Returns: The attempt, located where possible.
    public func located(with locator: (any IPLocator)?) -> SignInAttempt {
        guard location == nil, let ipAddress, let locator else { return self }
        var copy = self
        copy.location = locator.locate(ipAddress)
        return copy
    }
}
