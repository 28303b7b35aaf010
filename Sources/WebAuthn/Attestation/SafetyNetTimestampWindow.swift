/// How fresh an `android-safetynet` response must be: its `timestampMs` against the verification time.
///
/// The SafetyNet documentation asks verifiers to check the timestamp; WebAuthn L3 §8.5 leaves the window to the
/// relying party. The default refuses a response issued more than 60 seconds before the verification time, so a
/// captured device verdict cannot be replayed later. It sets no bound on timestamps after the verification time:
/// Google signs the timestamp, so a response "from the future" cannot be forged and only shows that the relying
/// party's clock is behind (or that the verification time is pinned to an earlier moment, as when replaying a
/// recorded response with `--time`). Set ``maximumFutureSkew`` to bound it too.
public struct SafetyNetTimestampWindow: Sendable, Hashable {
    /// The oldest accepted response, in seconds before the verification time.
    public let maximumAge: Int64
    /// The newest accepted response, in seconds after the verification time; nil for no bound.
    public let maximumFutureSkew: Int64?
    /// False only for ``unchecked``.
    let isChecked: Bool

    /// A window from `maximumAge` seconds before the verification time to `maximumFutureSkew` seconds after it.
    ///
    /// - Parameters:
    ///   - maximumAge: Seconds; negative values count as 0.
    ///   - maximumFutureSkew: Seconds, or nil for no upper bound; negative values count as 0.
    public init(maximumAge: Int64 = 60, maximumFutureSkew: Int64? = nil) {
        self.maximumAge = max(maximumAge, 0)
        self.maximumFutureSkew = maximumFutureSkew.map { max($0, 0) }
        self.isChecked = true
    }

    private init(unchecked: Void) {
        self.maximumAge = .max
        self.maximumFutureSkew = nil
        self.isChecked = false
    }

    /// At most 60 seconds old; no bound into the future.
    public static let `default` = SafetyNetTimestampWindow()

    /// No timestamp check at all: for replaying recorded responses long after they were issued.
    ///
    /// - Warning: A captured SafetyNet verdict then stays valid for as long as its certificates do.
    @_spi(DisableSafetyNetTimestampCheck)
    public static let unchecked = SafetyNetTimestampWindow(unchecked: ())

    /// Whether a response issued at `timestampMs` (milliseconds since 1970) is fresh at `time` (seconds since 1970).
    func accepts(timestampMs: Int64, at time: Int64) -> Bool {
        guard isChecked else { return true }
        // Compare in whole seconds (rounded down) plus a sub-second remainder, so nothing overflows.
        var seconds = timestampMs / 1000
        var remainder = timestampMs % 1000
        if remainder < 0 {
            seconds -= 1
            remainder += 1000
        }
        let (earliest, underflow) = time.subtractingReportingOverflow(maximumAge)
        if !underflow, seconds < earliest { return false }
        if let maximumFutureSkew {
            let (latest, overflow) = time.addingReportingOverflow(maximumFutureSkew)
            if !overflow, seconds > latest || (seconds == latest && remainder > 0) { return false }
        }
        return true
    }
}
