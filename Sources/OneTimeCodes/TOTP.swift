/// A time-based one-time password generator and verifier (RFC 6238).
///
/// A pure value: the time is always passed in, in Unix seconds, so a caller injects its own clock. The
/// HMAC key state is computed once, when the generator is made; a wrong code checked with the default
/// ±1 window costs three HMACs and allocates nothing. Immutable and safe to share across threads.
///
/// ```swift
/// let totp = try TOTP(secret: secret)
/// let match = try totp.verify(input, at: now, lastAcceptedTimeStep: stored)
/// stored = match.timeStep
/// ```
public struct TOTP: Sendable {
    /// The largest accepted ``verify(_:at:window:lastAcceptedTimeStep:)`` window (steps either side).
    public static let maximumWindow = 10

    /// Algorithm, digits and period.
    public let configuration: TOTPConfiguration
    let hotp: HOTP

    /// A generator for `secret`.
    ///
    /// - Parameters:
    ///   - secret: The shared secret.
    ///   - configuration: Algorithm, digits and period; SHA-1, 6 digits, 30 s by default.
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` for a configuration out of range, and
    ///   ``OneTimeCodeError/Code/internalError`` when libcrypto cannot set up the HMAC.
    public init(secret: OTPSecret, configuration: TOTPConfiguration = .default) throws(OneTimeCodeError) {
        try configuration.validate()
        self.configuration = configuration
        hotp = try HOTP(secret: secret, algorithm: configuration.algorithm, digits: configuration.digits)
    }

    /// The time step that contains `unixTime`: ⌊unixTime / period⌋ (RFC 6238 §4.2, T0 = 0).
    ///
    /// - Parameter unixTime: Seconds since the Unix epoch.
    /// - Returns: The step, or nil for a time before the epoch.
    public func timeStep(at unixTime: Int64) -> UInt64? {
        unixTime < 0 ? nil : UInt64(unixTime / configuration.period)
    }

    /// The code for the time step `timeStep`.
    ///
    /// - Parameter timeStep: RFC 6238's T.
    /// - Returns: The code as decimal text with leading zeros.
    public func code(forTimeStep timeStep: UInt64) -> String {
        hotp.code(counter: timeStep)
    }

    /// The code an authenticator shows at `unixTime`.
    ///
    /// - Parameter unixTime: Seconds since the Unix epoch.
    /// - Returns: The code as decimal text with leading zeros.
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` for a time before the epoch.
    public func code(at unixTime: Int64) throws(OneTimeCodeError) -> String {
        guard let step = timeStep(at: unixTime) else {
            throw OneTimeCodeError(.invalidParameter, "time \(unixTime) is before the Unix epoch")
        }
        return code(forTimeStep: step)
    }

    /// Seconds until the code shown at `unixTime` changes.
    ///
    /// - Parameter unixTime: Seconds since the Unix epoch.
    /// - Returns: 1 to ``TOTPConfiguration/period`` seconds.
    public func secondsRemaining(at unixTime: Int64) -> Int64 {
        let period = configuration.period
        let into = ((unixTime % period) + period) % period
        return period - into
    }

    /// Checks `code` against the time steps within `window` steps of the one containing `unixTime`.
    ///
    /// Every candidate step is computed and compared in constant time, and the loop never stops early,
    /// so the time taken does not depend on which step (if any) matched. Steps at or before
    /// `lastAcceptedTimeStep` are never accepted: "a code (its time step) that has been accepted once is
    /// never accepted again for that method". Store the returned ``TOTPMatch/timeStep`` and pass it back
    /// next time.
    ///
    /// - Parameters:
    ///   - code: What the user typed: exactly ``TOTPConfiguration/digits`` ASCII digits (spaces ignored).
    ///   - unixTime: The verifier's clock, in seconds since the Unix epoch.
    ///   - window: How many steps before and after the current one to accept, 0 to ``maximumWindow``; 1 by
    ///     default (a phone clock up to one period off still works; one further off fails).
    ///   - lastAcceptedTimeStep: The time step accepted last for this method, or nil if none was.
    /// - Returns: The matched time step and its drift from the current step. When two steps in the window
    ///   share the code, the latest one that is not yet used is returned.
    /// - Throws: ``OneTimeCodeError/Code/codeReused`` when the code matches only steps at or before
    ///   `lastAcceptedTimeStep`; ``OneTimeCodeError/Code/invalidCode`` when it matches no step (or is not a
    ///   code at all); ``OneTimeCodeError/Code/invalidParameter`` for a window out of range.
    public func verify(
        _ code: String, at unixTime: Int64, window: Int = 1, lastAcceptedTimeStep: UInt64? = nil
    ) throws(OneTimeCodeError) -> TOTPMatch {
        guard (0...Self.maximumWindow).contains(window) else {
            throw OneTimeCodeError(.invalidParameter, "window \(window) is outside 0...\(Self.maximumWindow)")
        }
        guard let entered = OneTimeCodeFormat.parse(code, digits: configuration.digits) else {
            throw OneTimeCodeError(.invalidCode, "the code is not as many digits as configured")
        }
        guard let current = timeStep(at: unixTime) else {
            throw OneTimeCodeError(.invalidCode, "time \(unixTime) is before the Unix epoch")
        }
        // Steps not after this one were used already; with none accepted yet, every step is fresh.
        let usedThrough = lastAcceptedTimeStep
        var anyMatch: UInt64 = 0
        var freshMatch: UInt64 = 0
        var freshOffset: UInt64 = 0
        for offset in -window...window {
            let (candidate, overflow) = offset < 0
                ? current.subtractingReportingOverflow(UInt64(-offset))
                : current.addingReportingOverflow(UInt64(offset))
            if overflow { continue }
            let equal = constantTimeEqualMask(hotp.value(counter: candidate), entered)
            let isFresh: UInt64 = usedThrough.map { candidate > $0 ? 1 : 0 } ?? 1
            let fresh = equal & isFresh
            // Later fresh matches overwrite earlier ones: select without branching on the comparison.
            let selected = 0 &- fresh
            freshOffset = (freshOffset & ~selected) | (UInt64(bitPattern: Int64(offset + window)) & selected)
            freshMatch |= fresh
            anyMatch |= equal
        }
        if freshMatch == 1 {
            let drift = Int(freshOffset) - window
            let step = drift < 0 ? current - UInt64(-drift) : current + UInt64(drift)
            return TOTPMatch(timeStep: step, drift: drift)
        }
        if anyMatch == 1 {
            throw OneTimeCodeError(.codeReused, "the code's time step was accepted before")
        }
        // A constant reason: the wrong-code path is the one attackers drive, and it allocates nothing.
        throw OneTimeCodeError(.invalidCode, "the code matches no time step in the window")
    }
}
