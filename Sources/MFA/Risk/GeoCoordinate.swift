import Glibc

/// A point on the Earth: latitude and longitude in decimal degrees (WGS 84, as GeoIP databases give them).
public struct GeoCoordinate: Sendable, Hashable, Codable {
    /// Degrees north, −90…90.
    public let latitude: Double
    /// Degrees east, −180…180.
    public let longitude: Double

    /// The radius of the sphere that ``distance(to:)`` uses: the IUGG mean Earth radius R₁ = 6371.0088 km
    /// (Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74, 2000).
    public static let meanEarthRadiusKilometres = 6371.0088

    /// A coordinate, checked.
    ///
    /// - Parameters:
    ///   - latitude: Degrees north, −90…90.
    ///   - longitude: Degrees east, −180…180.
    /// - Throws: ``MFAError/Code/invalidCoordinate`` for a value out of range or not finite.
    public init(latitude: Double, longitude: Double) throws(MFAError) {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude)
        else {
            throw MFAError(.invalidCoordinate, "(\(latitude), \(longitude)) is not a latitude and longitude")
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance to `other` in kilometres, by the haversine formula on a sphere of radius
    /// ``meanEarthRadiusKilometres``.
    ///
    /// The spherical model is within about 0.5 % of the ellipsoidal distance, far less than the error of
    /// IP geolocation. It is exact across the antimeridian (179.9° E to 179.9° W is about 22 km at the
    /// equator) and at the poles.
    ///
    /// - Parameter other: The other point.
    /// - Returns: Kilometres, 0 for the same point, at most half the Earth's circumference.
    public func distance(to other: GeoCoordinate) -> Double {
        let radians = Double.pi / 180
        let phi1 = latitude * radians
        let phi2 = other.latitude * radians
        let halfDeltaPhi = (other.latitude - latitude) * radians / 2
        let halfDeltaLambda = (other.longitude - longitude) * radians / 2
        let sinPhi = sin(halfDeltaPhi)
        let sinLambda = sin(halfDeltaLambda)
        // Rounding can push the haversine a hair outside 0…1 for antipodal points; clamp it.
        let haversine = min(max(sinPhi * sinPhi + cos(phi1) * cos(phi2) * sinLambda * sinLambda, 0), 1)
        return 2 * Self.meanEarthRadiusKilometres * atan2(haversine.squareRoot(), (1 - haversine).squareRoot())
    }

    /// Decodes `latitude` and `longitude` and checks them as ``init(latitude:longitude:)`` does.
    ///
    /// - Parameter decoder: Holds the two numbers.
    /// - Throws: ``MFAError/Code/invalidCoordinate`` for values out of range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            latitude: try container.decode(Double.self, forKey: .latitude),
            longitude: try container.decode(Double.self, forKey: .longitude))
    }

    private enum CodingKeys: String, CodingKey {
        case latitude, longitude
    }
}
