/// How fresh an `android-safetynet` response must be: its `timestampMs` against the verification time.
///
/// The SafetyNet documentation asks verifiers to check the timestamp; WebAuthn L3 §8.5 leaves the window to
/// the relying party. The default accepts a response issued at most 60 seconds before the verification time and at
/// most 5 seconds after it (clock skew between the relying party and Google). The nonce already binds the response
/// to this ceremony's challenge, so the window limits how long a captured device verdict stays usable.
public struct SafetyNetTimestampWindow: Sendable, Hashable {
    /// The oldest accepted response, in seconds before the verification time.
    public let maximumAge: Int64
    /// The newest accepted response, in seconds after the verification time.
    public let maximumFutureSkew: Int64
    /// False only for ``unchecked``.
    let isChecked: Bool

    /// A window from `maximumAge` seconds before to `maximumFutureSkew` seconds after the verification time.
    ///
    /// - Parameters:
    ///   - maximumAge: Seconds; negative values count as 0.
    ///   - maximumFutureSkew: Seconds; negative values count as 0.
    public init(maximumAge: Int64 = 60, maximumFutureSkew: Int64 = 5) {
        self.maximumAge = max(maximumAge, 0)
        self.maximumFutureSkew = max(maximumFutureSkew, 0)
        self.isChecked = true
    }

    private init(unchecked: Void) {
        self.maximumAge = .max
        self.maximumFutureSkew = .max
        self.isChecked = false
    }

    /// 60 seconds into the past, 5 seconds into the future.
    public static let `default` = SafetyNetTimestampWindow()

    /// No timestamp check at all: for replaying recorded responses whose timestamp disagrees with the time their
    /// certificates must be checked at.
    ///
    /// - Warning: A captured SafetyNet verdict then stays valid for as long as its certificates do.
    @_spi(DisableSafetyNetTimestampCheck)
    public static let unchecked = SafetyNetTimestampWindow(unchecked: ())

    /// Whether a response issued at `timestampMs` (milliseconds since 1970) is fresh at `time` (seconds since 1970).
    func accepts(timestampMs: Int64, at time: Int64) -> Bool {
        guard isChecked else { return true }
        let (earliest, underflow) = time.subtractingReportingOverflow(maximumAge)
        let (latest, overflow) = time.addingReportingOverflow(maximumFutureSkew)
        // Compare in milliseconds without overflow: a timestamp's whole seconds (rounded down), and a sub-second
        // remainder that only matters at the upper bound.
        var seconds = timestampMs / 1000
        var remainder = timestampMs % 1000
        if remainder < 0 {
            seconds -= 1
            remainder += 1000
        }
        if !underflow, seconds < earliest { return false }
        if !overflow, seconds > latest || (seconds == latest && remainder > 0) { return false }
        return true
    }
}
