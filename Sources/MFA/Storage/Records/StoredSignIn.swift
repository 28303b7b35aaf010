/// One sign-in of an account: the history that impossible-travel and new-device checks read.
public struct StoredSignIn: Sendable, Hashable {
    /// A point on the Earth, in degrees (WGS 84).
    public struct Coordinates: Sendable, Hashable {
        /// Latitude, -90...90.
        public let latitude: Double
        /// Longitude, -180...180.
        public let longitude: Double

        /// A point; the store refuses one out of range.
        ///
        /// - Parameters:
        ///   - latitude: -90...90 degrees.
        ///   - longitude: -180...180 degrees.
        public init(latitude: Double, longitude: Double) {
            self.latitude = latitude
            self.longitude = longitude
        }

        /// Whether both values are finite and in range.
        public var isValid: Bool {
            latitude.isFinite && longitude.isFinite && (-90...90).contains(latitude)
                && (-180...180).contains(longitude)
        }
    }

    /// The order of appending, assigned by the store (0 before the record is stored).
    public internal(set) var sequence: Int64
    /// The account.
    public let accountID: String
    /// When (Unix seconds).
    public let time: Int64
    /// The device, for example a trusted-device token's ``TrustedDeviceRecord/id``, if known.
    public let deviceID: String?
    /// The client's IP address as text, if known.
    public let ipAddress: String?
    /// Where the IP address was placed, if it could be.
    public let location: Coordinates?
    /// What was decided, in the registry's words (`allow`, `challenge`, `mfa-completed`, …); not empty.
    public let outcome: String
    /// The method that completed the sign-in, if one did.
    public let methodKind: MFAMethodKind?

    /// A record to append with ``MFAStoreTransaction/appendSignIn(_:)``.
    ///
    /// - Parameters:
    ///   - accountID: The account.
    ///   - time: When, in Unix seconds.
    ///   - deviceID: The device, if known.
    ///   - ipAddress: The IP address, if known.
    ///   - location: The IP's location, if known.
    ///   - outcome: What was decided.
    ///   - methodKind: The method used, if any.
    public init(
        accountID: String, time: Int64, deviceID: String? = nil, ipAddress: String? = nil,
        location: Coordinates? = nil, outcome: String, methodKind: MFAMethodKind? = nil
    ) {
        self.sequence = 0
        self.accountID = accountID
        self.time = time
        self.deviceID = deviceID
        self.ipAddress = ipAddress
        self.location = location
        self.outcome = outcome
        self.methodKind = methodKind
    }
}
