/// One reason to prompt for MFA even on a trusted device.
public enum RiskSignal: Sendable, Hashable {
    /// The device is not recognised as having completed MFA before.
    case newDevice(DeviceRecognition)
    /// No previous successful sign-in location lies within the policy's radius of `location`.
    /// `nearest` is the closest previous location and its distance in kilometres, nil when no previous
    /// sign-in has a known location.
    case newLocation(location: GeoLocation, nearest: (location: GeoLocation, kilometres: Double)?)
    /// The great-circle speed from the previous sign-in's place to this one's exceeds the policy's limit.
    /// `kilometresPerHour` is nil when no time passed between the two.
    case impossibleTravel(
        from: GeoLocation, to: GeoLocation, kilometres: Double, elapsedSeconds: Int64, kilometresPerHour: Double?)
    /// The address is in the deny list, or outside the allow list.
    case untrustedIPAddress(IPAddress, IPAccessDecision)

    /// A stable identifier for logs and APIs: `new-device`, `new-location`, `impossible-travel` or
    /// `untrusted-ip`.
    public var code: String {
        switch self {
        case .newDevice: return "new-device"
        case .newLocation: return "new-location"
        case .impossibleTravel: return "impossible-travel"
        case .untrustedIPAddress: return "untrusted-ip"
        }
    }

    /// One English sentence that says what fired and why, for the audit log and the admin command line.
    public var explanation: String {
        switch self {
        case .newDevice(.noToken):
            return "This device has not completed two-step verification before (it has no trusted-device token)."
        case .newDevice(.unrecognised):
            return "The device's trusted-device token is unknown, expired or revoked."
        case .newDevice(.recognised):
            return "The device is recognised."
        case .newLocation(let location, let nearest?):
            return "Sign-in from \(location.displayName), \(Self.kilometres(nearest.kilometres)) from the nearest "
                + "previous sign-in location (\(nearest.location.displayName))."
        case .newLocation(let location, nil):
            return "Sign-in from \(location.displayName); no previous sign-in has a known location."
        case .impossibleTravel(let from, let to, let distance, let elapsed, let speed):
            let journey = "\(from.displayName) to \(to.displayName), \(Self.kilometres(distance))"
            guard let speed else {
                return "Sign-ins from \(journey) apart, with no time between them."
            }
            return "Travel from \(journey) in \(Self.duration(elapsed)) would take \(Int(speed.rounded())) km/h."
        case .untrustedIPAddress(let address, .denied(let range)):
            return "The address \(address) is in the denied range \(range)."
        case .untrustedIPAddress(let address, .outsideAllowList):
            return "The address \(address) is outside the allowed ranges."
        case .untrustedIPAddress(let address, .allowed):
            return "The address \(address) is allowed."
        }
    }

    /// Equal when the cases and their values are equal.
    public static func == (lhs: RiskSignal, rhs: RiskSignal) -> Bool {
        switch (lhs, rhs) {
        case let (.newDevice(a), .newDevice(b)):
            return a == b
        case let (.newLocation(a, nearA), .newLocation(b, nearB)):
            return a == b && nearA?.location == nearB?.location && nearA?.kilometres == nearB?.kilometres
        case let (.impossibleTravel(fromA, toA, kmA, sA, vA), .impossibleTravel(fromB, toB, kmB, sB, vB)):
            return fromA == fromB && toA == toB && kmA == kmB && sA == sB && vA == vB
        case let (.untrustedIPAddress(a, dA), .untrustedIPAddress(b, dB)):
            return a == b && dA == dB
        default:
            return false
        }
    }

    /// Hashes the ``code`` only (equal signals have equal codes).
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    private static func kilometres(_ value: Double) -> String { "\(Int(value.rounded())) km" }

    private static func duration(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds) s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes) min" }
        return "\(minutes / 60) h \(minutes % 60) min"
    }
}
