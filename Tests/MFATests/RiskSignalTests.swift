import Foundation
import MFA
import Testing

/// The risk signals as pure functions over values.
///
/// Expected distances come from Support/haversine_reference.py, an independent Python haversine that it
/// cross-checks against the spherical law of cosines on the same sphere (IUGG mean radius 6371.0088 km);
/// the city coordinates are approximate city centres (English Wikipedia, rounded to four decimals). As a
/// plausibility check against published figures: London–New York is usually quoted at about 5,570 km,
/// London–Paris at about 344 km.
@Suite struct RiskSignalTests {
    static func point(_ latitude: Double, _ longitude: Double) -> GeoCoordinate {
        try! GeoCoordinate(latitude: latitude, longitude: longitude)
    }

    static let london = GeoLocation(coordinate: point(51.5074, -0.1278), countryCode: "GB", city: "London")
    static let paris = GeoLocation(coordinate: point(48.8566, 2.3522), countryCode: "FR", city: "Paris")
    static let newYork = GeoLocation(coordinate: point(40.7128, -74.0060), countryCode: "US", city: "New York")
    static let sydney = GeoLocation(coordinate: point(-33.8688, 151.2093), countryCode: "AU", city: "Sydney")
    static let tokyo = GeoLocation(coordinate: point(35.6762, 139.6503), countryCode: "JP", city: "Tokyo")
    static let suva = GeoLocation(coordinate: point(-18.1416, 178.4419), countryCode: "FJ", city: "Suva")
    static let apia = GeoLocation(coordinate: point(-13.8333, -171.7667), countryCode: "WS", city: "Apia")
    static let zurich = GeoLocation(coordinate: point(47.3769, 8.5417), countryCode: "CH", city: "Zurich")

    /// (from, to, kilometres) as printed by `python3 Tests/MFATests/Support/haversine_reference.py`.
    static let referenceDistances: [(GeoCoordinate, GeoCoordinate, Double)] = [
        (london.coordinate!, paris.coordinate!, 343.556535),
        (london.coordinate!, newYork.coordinate!, 5570.229874),
        (london.coordinate!, sydney.coordinate!, 16993.956933),
        (newYork.coordinate!, tokyo.coordinate!, 10851.747838),
        (suva.coordinate!, apia.coordinate!, 1150.703566),          // across the antimeridian
        (zurich.coordinate!, london.coordinate!, 776.235216),
        (point(0, 179.5), point(0, -179.5), 111.195080),            // one degree across the antimeridian
        (point(0, 0), point(0, 180), 20015.114442),                 // antipodes
        (point(90, 0), point(-90, 0), 20015.114442),                // pole to pole
        (point(10, 20), point(10.89, 20), 98.963621),
        (point(10, 20), point(10.91, 20), 101.187523),
    ]

    @Test("haversine distances match the independent Python reference to a metre, both ways round",
          arguments: 0..<referenceDistances.count)
    func haversine(index: Int) {
        let (a, b, expected) = Self.referenceDistances[index]
        #expect(abs(a.distance(to: b) - expected) < 1e-3)
        #expect(abs(b.distance(to: a) - expected) < 1e-3)
    }

    @Test("the same place is 0 km away; ±180° longitude is the same meridian")
    func samePlace() {
        #expect(Self.london.coordinate!.distance(to: Self.london.coordinate!) == 0)
        #expect(Self.point(-12.5, 180).distance(to: Self.point(-12.5, -180)) < 1e-9)
        #expect(Self.point(90, 10).distance(to: Self.point(90, -170)) < 1e-9)
    }

    @Test("coordinates outside the globe or not finite are refused")
    func coordinateValidation() {
        for (latitude, longitude) in [(90.0001, 0.0), (-91.0, 0.0), (0.0, 180.5), (0.0, -181.0), (Double.nan, 0.0), (0.0, .infinity)] {
            #expect(throws: MFAError(.invalidCoordinate, "")) { try GeoCoordinate(latitude: latitude, longitude: longitude) }
        }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(GeoCoordinate.self, from: Data(#"{"latitude":100,"longitude":0}"#.utf8))
        }
    }

    // MARK: - New device

    @Test("an unknown device fires: no token and an unrecognised token; a recognised one does not")
    func newDevice() {
        let policy = RiskPolicy.default
        #expect(policy.newDeviceSignal(.noToken) == .newDevice(.noToken))
        #expect(policy.newDeviceSignal(.unrecognised) == .newDevice(.unrecognised))
        #expect(policy.newDeviceSignal(.recognised) == nil)
        #expect(RiskSignal.newDevice(.noToken).code == "new-device")
        #expect(RiskSignal.newDevice(.noToken).explanation != RiskSignal.newDevice(.unrecognised).explanation)
    }

    // MARK: - New location

    @Test("a location is new when no previous sign-in lies within 100 km (98.96 km is near, 101.19 km is new)")
    func newLocationBoundary() {
        let policy = RiskPolicy.default
        let base = GeoLocation(coordinate: Self.point(10, 20))
        let near = GeoLocation(coordinate: Self.point(10.89, 20))
        let far = GeoLocation(coordinate: Self.point(10.91, 20))
        let history = [SignInRecord(time: 0, location: base)]
        #expect(policy.newLocationSignal(near, history: history) == nil)
        guard case .newLocation(let location, let nearest?) = policy.newLocationSignal(far, history: history) else {
            Issue.record("expected a new-location signal")
            return
        }
        #expect(location == far)
        #expect(nearest.location == base)
        #expect(abs(nearest.kilometres - 101.187523) < 1e-3)
    }

    @Test("any one nearby previous sign-in makes the location known; the nearest is reported otherwise")
    func newLocationHistory() {
        let policy = RiskPolicy.default
        let history = [
            SignInRecord(time: 10, location: Self.newYork), SignInRecord(time: 20, location: Self.london),
            SignInRecord(time: 30, location: nil), SignInRecord(time: 40, location: GeoLocation(countryCode: "DE")),
        ]
        #expect(policy.newLocationSignal(Self.london, history: history) == nil)
        let signal = policy.newLocationSignal(Self.zurich, history: history)
        guard case .newLocation(_, let nearest?) = signal else {
            Issue.record("expected a new-location signal")
            return
        }
        #expect(nearest.location == Self.london)
        #expect(abs(nearest.kilometres - 776.235216) < 1e-3)
        #expect(signal?.explanation == "Sign-in from Zurich, CH, 776 km from the nearest previous sign-in location (London, GB).")
    }

    @Test("with no located history every located sign-in is new; an unknown place fires nothing")
    func newLocationWithoutEvidence() {
        let policy = RiskPolicy.default
        #expect(policy.newLocationSignal(Self.paris, history: []) == .newLocation(location: Self.paris, nearest: nil))
        #expect(policy.newLocationSignal(nil, history: [SignInRecord(time: 0, location: Self.london)]) == nil)
        #expect(policy.newLocationSignal(GeoLocation(countryCode: "FR"), history: []) == nil)
    }

    // MARK: - Impossible travel

    @Test("London to New York in one hour (5570 km/h) is impossible; in eight hours (696 km/h) it is not")
    func impossibleTravel() {
        let policy = RiskPolicy.default
        let history = [SignInRecord(time: 1_000_000, location: Self.london)]
        let signal = policy.impossibleTravelSignal(Self.newYork, at: 1_000_000 + 3600, history: history)
        guard case .impossibleTravel(let from, let to, let kilometres, let elapsed, let speed?) = signal else {
            Issue.record("expected impossible travel")
            return
        }
        #expect(from == Self.london && to == Self.newYork)
        #expect(abs(kilometres - 5570.229874) < 1e-3)
        #expect(elapsed == 3600)
        #expect(abs(speed - 5570.229874) < 1e-3)
        #expect(signal?.explanation == "Travel from London, GB to New York, US, 5570 km in 1 h 0 min would take 5570 km/h.")
        #expect(policy.impossibleTravelSignal(Self.newYork, at: 1_000_000 + 8 * 3600, history: history) == nil)
    }

    @Test("the threshold is configurable: at 500 km/h the eight-hour London–New York trip fires")
    func configurableThreshold() {
        let policy = RiskPolicy(impossibleTravelKilometresPerHour: 500)
        let history = [SignInRecord(time: 0, location: Self.london)]
        #expect(policy.impossibleTravelSignal(Self.newYork, at: 8 * 3600, history: history)?.code == "impossible-travel")
        #expect(policy.impossibleTravelSignal(Self.newYork, at: 12 * 3600, history: history) == nil)
    }

    @Test("zero elapsed time fires with no speed when the places are 100 km or more apart, and not when nearer")
    func zeroElapsed() {
        let policy = RiskPolicy.default
        let history = [SignInRecord(time: 500, location: Self.london)]
        let signal = policy.impossibleTravelSignal(Self.paris, at: 500, history: history)
        guard case .impossibleTravel(_, _, let kilometres, 0, nil) = signal else {
            Issue.record("expected impossible travel with no speed")
            return
        }
        #expect(abs(kilometres - 343.556535) < 1e-3)
        #expect(signal?.explanation == "Sign-ins from London, GB to Paris, FR, 344 km apart, with no time between them.")
        // 98.96 km apart at the same second: below GeoIP's error, ignored.
        let near = [SignInRecord(time: 500, location: GeoLocation(coordinate: Self.point(10, 20)))]
        #expect(policy.impossibleTravelSignal(GeoLocation(coordinate: Self.point(10.89, 20)), at: 500, history: near) == nil)
        // The same place at the same second.
        #expect(policy.impossibleTravelSignal(Self.london, at: 500, history: history) == nil)
    }

    @Test("a previous sign-in stamped after the attempt counts as simultaneous, not as negative speed")
    func clockSkew() {
        let signal = RiskPolicy.default.impossibleTravelSignal(
            Self.paris, at: 100, history: [SignInRecord(time: 160, location: Self.london)])
        guard case .impossibleTravel(_, _, _, 0, nil) = signal else {
            Issue.record("expected impossible travel with zero elapsed time")
            return
        }
    }

    @Test("the consecutive pair is the latest located sign-in, whatever the history's order")
    func latestLocatedSignIn() {
        let policy = RiskPolicy.default
        // Sydney long ago, Tokyo an hour ago, then a sign-in without location; now Tokyo again.
        let history = [
            SignInRecord(time: 7200, location: nil),
            SignInRecord(time: 0, location: Self.sydney),
            SignInRecord(time: 3600, location: Self.tokyo),
        ]
        #expect(policy.impossibleTravelSignal(Self.tokyo, at: 7300, history: history) == nil)
        guard case .impossibleTravel(let from, _, _, let elapsed, _) =
            policy.impossibleTravelSignal(Self.sydney, at: 7300, history: history)
        else {
            Issue.record("expected impossible travel from Tokyo")
            return
        }
        #expect(from == Self.tokyo)
        #expect(elapsed == 3700)
    }

    @Test("Suva to Apia across the antimeridian in 30 minutes is 2301 km/h, not a trip around the world")
    func antimeridianTravel() {
        let signal = RiskPolicy.default.impossibleTravelSignal(
            Self.apia, at: 1800, history: [SignInRecord(time: 0, location: Self.suva)])
        guard case .impossibleTravel(_, _, let kilometres, _, let speed?) = signal else {
            Issue.record("expected impossible travel")
            return
        }
        #expect(abs(kilometres - 1150.703566) < 1e-3)
        #expect(abs(speed - 2 * 1150.703566) < 1e-3)
        // Four hours is 288 km/h: possible.
        #expect(RiskPolicy.default.impossibleTravelSignal(
            Self.apia, at: 4 * 3600, history: [SignInRecord(time: 0, location: Self.suva)]) == nil)
    }

    // MARK: - Untrusted IP and the whole assessment

    @Test("an address in the deny list or outside the allow list fires; an unknown address does not")
    func untrustedIP() throws {
        let policy = RiskPolicy(ipAccess: IPAccessPolicy(
            denyList: [try IPRange(parsing: "203.0.113.0/24")], allowList: [try IPRange(parsing: "203.0.0.0/8")]))
        let denied = try IPAddress(parsing: "203.0.113.7")
        #expect(policy.untrustedIPAddressSignal(denied)
            == .untrustedIPAddress(denied, .denied(by: try IPRange(parsing: "203.0.113.0/24"))))
        #expect(policy.untrustedIPAddressSignal(denied)?.explanation == "The address 203.0.113.7 is in the denied range 203.0.113.0/24.")
        let outside = try IPAddress(parsing: "198.51.100.1")
        #expect(policy.untrustedIPAddressSignal(outside) == .untrustedIPAddress(outside, .outsideAllowList))
        #expect(policy.untrustedIPAddressSignal(try IPAddress(parsing: "203.9.9.9")) == nil)
        #expect(policy.untrustedIPAddressSignal(nil) == nil)
    }

    @Test("an assessment lists every fired signal in order with one explanation each")
    func assessment() throws {
        let policy = RiskPolicy(ipAccess: IPAccessPolicy(denyList: [try IPRange(parsing: "198.51.100.0/24")]))
        let attempt = SignInAttempt(
            time: 3600, ipAddress: try IPAddress(parsing: "198.51.100.9"), location: Self.newYork, device: .noToken)
        let result = policy.assess(attempt, history: [SignInRecord(time: 0, location: Self.london)])
        #expect(result.isRisky)
        #expect(result.codes == ["untrusted-ip", "new-device", "new-location", "impossible-travel"])
        #expect(result.explanations.count == 4)
        #expect(result.summary == result.explanations.joined(separator: " "))

        let calm = RiskPolicy.default.assess(
            SignInAttempt(time: 86_400, ipAddress: try IPAddress(parsing: "192.0.2.1"), location: Self.london, device: .recognised),
            history: [SignInRecord(time: 0, location: Self.london)])
        #expect(!calm.isRisky)
        #expect(calm.signals.isEmpty)
        #expect(calm.summary == "No risk signal fired.")
    }

    @Test("located(with:) fills the location from the locator only when the caller gave none")
    func locatedWithLocator() throws {
        struct FixedLocator: IPLocator {
            func locate(_ address: IPAddress) -> GeoLocation? { RiskSignalTests.paris }
        }
        let address = try IPAddress(parsing: "192.0.2.1")
        #expect(SignInAttempt(time: 0, ipAddress: address, device: .recognised).located(with: FixedLocator()).location == Self.paris)
        #expect(SignInAttempt(time: 0, ipAddress: address, location: Self.london, device: .recognised)
            .located(with: FixedLocator()).location == Self.london)
        #expect(SignInAttempt(time: 0, device: .recognised).located(with: FixedLocator()).location == nil)
        #expect(SignInAttempt(time: 0, ipAddress: address, device: .recognised).located(with: nil).location == nil)
    }
}
