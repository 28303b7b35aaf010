/// Maps an IP address to a place, for the "new location" and "impossible travel" risk signals.
///
/// ``MaxMindIPLocator`` reads MaxMind DB files (GeoLite2 City, DB-IP City Lite, or any `.mmdb` with the
/// same layout). A locator is read-only and shared between concurrent sign-ins.
public protocol IPLocator: Sendable {
    /// The place recorded for `address`, or nil when the database has no record for it.
    ///
    /// - Parameter address: The client's address.
    /// - Returns: The location, or nil.
    func locate(_ address: IPAddress) -> GeoLocation?
}
