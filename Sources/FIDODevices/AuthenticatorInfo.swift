/// What a key says about itself (authenticatorGetInfo, CTAP 2.1 §6.4), plus its remaining PIN retries.
///
/// A U2F-only key has no getInfo: its info has the version `U2F_V2` and nothing else.
public struct AuthenticatorInfo: Sendable, Hashable {
    /// One algorithm the key supports.
    public struct Algorithm: Sendable, Hashable {
        /// The credential type, `public-key`.
        public let type: String
        /// The COSE algorithm identifier.
        public let coseIdentifier: Int
    }

    /// The protocol versions (`FIDO_2_0`, `FIDO_2_1`, `U2F_V2`, …).
    public let versions: [String]
    /// The extensions (`credProtect`, `hmac-secret`, …).
    public let extensions: [String]
    /// The AAGUID, 16 bytes (empty for U2F keys).
    public let aaguid: [UInt8]
    /// The options and their values, in the key's order (`rk`, `up`, `clientPin`, `credMgmt`, …).
    public let options: [(name: String, value: Bool)]
    /// The largest message the key accepts, in bytes (0 when not reported).
    public let maximumMessageSize: UInt64
    /// The PIN/UV auth protocol versions, in the key's order of preference.
    public let pinUVAuthProtocols: [Int]
    /// The credential algorithms, in the key's order of preference.
    public let algorithms: [Algorithm]
    /// The most credential IDs the key takes in one allow or exclude list (0 when not reported).
    public let maximumCredentialCountInList: UInt64
    /// The longest credential ID the key takes, in bytes (0 when not reported).
    public let maximumCredentialIDLength: UInt64
    /// The transports (`usb`, `nfc`, …).
    public let transports: [String]
    /// The firmware version (0 when not reported).
    public let firmwareVersion: UInt64
    /// The shortest PIN the key accepts, in code points (0 when not reported).
    public let minimumPINLength: UInt64
    /// How many more discoverable credentials fit, when the key says.
    public let remainingDiscoverableCredentials: Int64?
    /// How many PIN attempts are left before the PIN blocks, when the key supports a PIN.
    public let pinRetries: Int?

    init(
        versions: [String], extensions: [String], aaguid: [UInt8], options: [(name: String, value: Bool)],
        maximumMessageSize: UInt64, pinUVAuthProtocols: [Int], algorithms: [Algorithm],
        maximumCredentialCountInList: UInt64, maximumCredentialIDLength: UInt64, transports: [String],
        firmwareVersion: UInt64, minimumPINLength: UInt64, remainingDiscoverableCredentials: Int64?, pinRetries: Int?
    ) {
        self.versions = versions
        self.extensions = extensions
        self.aaguid = aaguid
        self.options = options
        self.maximumMessageSize = maximumMessageSize
        self.pinUVAuthProtocols = pinUVAuthProtocols
        self.algorithms = algorithms
        self.maximumCredentialCountInList = maximumCredentialCountInList
        self.maximumCredentialIDLength = maximumCredentialIDLength
        self.transports = transports
        self.firmwareVersion = firmwareVersion
        self.minimumPINLength = minimumPINLength
        self.remainingDiscoverableCredentials = remainingDiscoverableCredentials
        self.pinRetries = pinRetries
    }

    /// The value of option `name`, or nil when the key does not list it.
    ///
    /// - Parameter name: The option (`rk`, `clientPin`, …).
    /// - Returns: Its value.
    public func option(_ name: String) -> Bool? {
        options.first { $0.name == name }?.value
    }

    /// The AAGUID as 8-4-4-4-12 lowercase hex.
    public var aaguidString: String { HexText.uuid(aaguid) }

    /// Two infos are equal when their JSON forms are.
    public static func == (lhs: AuthenticatorInfo, rhs: AuthenticatorInfo) -> Bool {
        lhs.jsonBytes() == rhs.jsonBytes()
    }

    /// Hashes the JSON form.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(jsonBytes())
    }

    /// The info as a JSON object with the CTAP 2.1 member names: `versions`, `extensions`, `aaguid`,
    /// `options`, `maxMsgSize`, `pinUvAuthProtocols`, `algorithms`, `maxCredentialCountInList`,
    /// `maxCredentialIdLength`, `transports`, `firmwareVersion`, `minPINLength`,
    /// `remainingDiscoverableCredentials` and `pinRetries` (`null` when unknown).
    ///
    /// - Returns: The JSON bytes.
    public func jsonBytes() -> [UInt8] {
        OutputJSON.object([
            ("versions", .array(versions.map { .string($0) })),
            ("extensions", .array(extensions.map { .string($0) })),
            ("aaguid", .string(aaguidString)),
            ("options", .object(options.map { ($0.name, .bool($0.value)) })),
            ("maxMsgSize", .int(maximumMessageSize)),
            ("pinUvAuthProtocols", .array(pinUVAuthProtocols.map { .int($0) })),
            (
                "algorithms",
                .array(algorithms.map { .object([("type", .string($0.type)), ("alg", .int($0.coseIdentifier))]) })
            ),
            ("maxCredentialCountInList", .int(maximumCredentialCountInList)),
            ("maxCredentialIdLength", .int(maximumCredentialIDLength)),
            ("transports", .array(transports.map { .string($0) })),
            ("firmwareVersion", .int(firmwareVersion)),
            ("minPINLength", .int(minimumPINLength)),
            ("remainingDiscoverableCredentials", remainingDiscoverableCredentials.map { .int($0) } ?? .null),
            ("pinRetries", pinRetries.map { .int($0) } ?? .null),
        ]).bytes()
    }
}
