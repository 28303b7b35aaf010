/// The thresholds of the risk signals, and the pure functions that fire them.
///
/// Every function here is a pure function of its arguments: no clock, no store, no network. The caller
/// gathers the attempt (with its location, see ``SignInAttempt/located(with:)``) and the account's
/// previous successful sign-ins, and ``assess(_:history:)`` returns every signal that fires.
public struct RiskPolicy: Sendable, Hashable, Codable {
    /// A location is new when no previous successful sign-in location lies within this many kilometres.
    /// Default 100: GeoIP places an address within tens of kilometres at best, so nearer is "the same
    /// place".
    public var newLocationRadiusKilometres: Double
    /// Travel faster than this between consecutive sign-ins is impossible. Default 1000 km/h, a little
    /// above an airliner's cruising speed.
    public var impossibleTravelKilometresPerHour: Double
    /// Consecutive sign-ins nearer than this are never impossible travel, however fast, since GeoIP's
    /// error is larger. Default 100.
    public var minimumTravelKilometres: Double
    /// The deny and allow lists for client addresses.
    public var ipAccess: IPAccessPolicy

    /// A policy.
    ///
    /// - Parameters:
    ///   - newLocationRadiusKilometres: Default 100.
    ///   - impossibleTravelKilometresPerHour: Default 1000.
    ///   - minimumTravelKilometres: Default 100.
    ///   - ipAccess: Default ``IPAccessPolicy/unrestricted``.
    public init(
        newLocationRadiusKilometres: Double = 100, impossibleTravelKilometresPerHour: Double = 1000,
        minimumTravelKilometres: Double = 100, ipAccess: IPAccessPolicy = .unrestricted
    ) {
        self.newLocationRadiusKilometres = newLocationRadiusKilometres
        self.impossibleTravelKilometresPerHour = impossibleTravelKilometresPerHour
        self.minimumTravelKilometres = minimumTravelKilometres
        self.ipAccess = ipAccess
    }

    /// The defaults of issue 4: 100 km, 1000 km/h, 100 km, no IP lists.
    public static let `default` = RiskPolicy()

    // MARK: - The signals

    /// Fires unless the device presented a valid trusted-device token.
    ///
    /// - Parameter device: The token's verdict.
    /// - Returns: ``RiskSignal/newDevice(_:)``, or nil for a recognised device.
    public func newDeviceSignal(_ device: DeviceRecognition) -> RiskSignal? {
        device == .recognised ? nil : .newDevice(device)
    }

    /// Fires when `location` has a coordinate and no previous sign-in's coordinate lies within
    /// ``newLocationRadiusKilometres`` of it (the boundary counts as near). With no located history, every
    /// located sign-in is new. A sign-in whose place is unknown fires nothing: there is no evidence.
    ///
    /// - Parameters:
    ///   - location: Where the attempt comes from.
    ///   - history: Previous successful sign-ins, in any order.
    /// - Returns: ``RiskSignal/newLocation(location:nearest:)`` with the nearest known place, or nil.
    public func newLocationSignal(_ location: GeoLocation?, history: [SignInRecord]) -> RiskSignal? {
        guard let location, let here = location.coordinate else { return nil }
        var nearest: (location: GeoLocation, kilometres: Double)?
        for record in history {
            guard let known = record.location, let there = known.coordinate else { continue }
            let distance = here.distance(to: there)
            if distance <= newLocationRadiusKilometres { return nil }
            if distance < nearest?.kilometres ?? .infinity { nearest = (known, distance) }
        }
        return .newLocation(location: location, nearest: nearest)
    }

    /// Fires when the speed from the latest located previous sign-in to this one exceeds
    /// ``impossibleTravelKilometresPerHour``, and the two places are at least ``minimumTravelKilometres``
    /// apart.
    ///
    /// The previous sign-in is the one with the greatest time among those with a coordinate. Elapsed time
    /// is `time − previous.time`, floored at zero (a previous record stamped later than the attempt means
    /// clocks disagree, and is treated as simultaneous); a distant pair with no time between fires.
    ///
    /// - Parameters:
    ///   - location: Where the attempt comes from.
    ///   - time: The attempt's Unix seconds.
    ///   - history: Previous successful sign-ins, in any order.
    /// - Returns: ``RiskSignal/impossibleTravel(from:to:kilometres:elapsedSeconds:kilometresPerHour:)``,
    ///   or nil.
    public func impossibleTravelSignal(_ location: GeoLocation?, at time: Int64, history: [SignInRecord])
        -> RiskSignal?
    {
        guard let location, let here = location.coordinate else { return nil }
        var previous: (time: Int64, location: GeoLocation, coordinate: GeoCoordinate)?
        for record in history {
            guard let known = record.location, let there = known.coordinate else { continue }
            if previous.map({ record.time > $0.time }) ?? true { previous = (record.time, known, there) }
        }
        guard let previous else { return nil }
        let distance = previous.coordinate.distance(to: here)
        guard distance >= minimumTravelKilometres else { return nil }
        let elapsed = time > previous.time ? time - previous.time : 0
        guard elapsed > 0 else {
            return .impossibleTravel(
                from: previous.location, to: location, kilometres: distance, elapsedSeconds: 0, kilometresPerHour: nil)
        }
        let speed = distance / (Double(elapsed) / 3600)
        guard speed > impossibleTravelKilometresPerHour else { return nil }
        return .impossibleTravel(
            from: previous.location, to: location, kilometres: distance, elapsedSeconds: elapsed,
            kilometresPerHour: speed)
    }

    /// Fires when ``ipAccess`` does not allow `address`. An unknown address fires nothing.
    ///
    /// - Parameter address: The client's address.
    /// - Returns: ``RiskSignal/untrustedIPAddress(_:_:)`` with the policy's decision, or nil.
    public func untrustedIPAddressSignal(_ address: IPAddress?) -> RiskSignal? {
        guard let address else { return nil }
        let decision = ipAccess.evaluate(address)
        return decision.isAllowed ? nil : .untrustedIPAddress(address, decision)
    }

    /// Every signal that fires for `attempt`, in the order: untrusted IP, new device, new location,
    /// impossible travel.
    ///
    /// - Parameters:
    ///   - attempt: The sign-in being judged, already located if GeoIP is in use.
    ///   - history: The account's previous successful sign-ins, in any order.
    /// - Returns: The assessment; ``RiskAssessment/isRisky`` says whether to prompt.
    public func assess(_ attempt: SignInAttempt, history: [SignInRecord]) -> RiskAssessment {
        let signals = [
            untrustedIPAddressSignal(attempt.ipAddress),
            newDeviceSignal(attempt.device),
            newLocationSignal(attempt.location, history: history),
            impossibleTravelSignal(attempt.location, at: attempt.time, history: history),
        ].compactMap { $0 }
        return RiskAssessment(signals: signals)
    }
}
