/// Where an IP address appears to be, as a GeoIP database records it.
///
/// Every member is optional because databases are sparse: a country-level record has no coordinate,
/// and many records have no city.
public struct GeoLocation: Sendable, Hashable, Codable {
    /// The record's point (`location.latitude` and `location.longitude`).
    public var coordinate: GeoCoordinate?
    /// How far from ``coordinate`` the address may really be, in kilometres (`location.accuracy_radius`).
    public var accuracyRadiusKilometres: Int?
    /// The ISO 3166-1 alpha-2 country code (`country.iso_code`), for example `GB`.
    public var countryCode: String?
    /// The city's English name (`city.names.en`).
    public var city: String?

    /// A location.
    ///
    /// - Parameters:
    ///   - coordinate: The point, if known.
    ///   - accuracyRadiusKilometres: The uncertainty, if known.
    ///   - countryCode: ISO 3166-1 alpha-2, if known.
    ///   - city: The English city name, if known.
    public init(
        coordinate: GeoCoordinate? = nil, accuracyRadiusKilometres: Int? = nil, countryCode: String? = nil,
        city: String? = nil
    ) {
        self.coordinate = coordinate
        self.accuracyRadiusKilometres = accuracyRadiusKilometres
        self.countryCode = countryCode
        self.city = city
    }

    /// `City, CC` or whichever part is known, for explanations; `an unknown place` when nothing is.
    public var displayName: String {
        switch (city, countryCode) {
        case let (city?, country?): return "\(city), \(country)"
        case let (city?, nil): return city
        case let (nil, country?): return country
        case (nil, nil):
            guard let coordinate else { return "an unknown place" }
            return "(\(coordinate.latitude), \(coordinate.longitude))"
        }
    }
}
