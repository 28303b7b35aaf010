/// Why an IP address, an IP range, a coordinate or a MaxMind database was refused.
///
/// Follows the module's error shape: a stable ``Code``, a reason for logs, and the source location.
/// Two errors are equal when their codes are equal.
public struct GeoIPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            case invalidAddress = "invalid-address"
            case invalidRange = "invalid-range"
            case invalidCoordinate = "invalid-coordinate"
            case databaseUnreadable = "database-unreadable"
            case invalidDatabase = "invalid-database"
            case lookupFailed = "lookup-failed"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `invalid-range`.
        public var rawValue: String { backing.rawValue }
        /// The stable string form, as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// Text that is not an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2).
        public static let invalidAddress = Code(.invalidAddress)
        /// Text that is not `address/prefix` with a prefix in range and no host bits set.
        public static let invalidRange = Code(.invalidRange)
        /// A latitude outside -90…90, a longitude outside -180…180, or a value that is not finite.
        public static let invalidCoordinate = Code(.invalidCoordinate)
        /// The database file cannot be opened or read.
        public static let databaseUnreadable = Code(.databaseUnreadable)
        /// The file is not a MaxMind DB (`.mmdb`) database, or its metadata is damaged.
        public static let invalidDatabase = Code(.invalidDatabase)
        /// The database is damaged where this address's record lies.
        public static let lookupFailed = Code(.lookupFailed)
    }

    /// The stable code.
    public let code: Code
    /// Why, for logs and developers. Not stable; do not match on it.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// An error with `code` and `reason`.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - reason: Why, for logs.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }

    /// Equal when the codes are equal.
    public static func == (lhs: GeoIPError, rhs: GeoIPError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
