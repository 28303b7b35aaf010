/// The consecutive-failure count of one account, as a store persists it.
public struct ThrottleState: Sendable, Hashable, Codable {
    /// Failures since the last success or reset.
    public private(set) var consecutiveFailures: Int
    /// When the last failure happened.
    public private(set) var lastFailureAt: Int64?

    /// A clean state.
    public init() {
        consecutiveFailures = 0
        lastFailureAt = nil
    }

    /// A state as a store kept it, for a store of the caller's own (``MFA``'s stores keep it themselves).
    ///
    /// - Parameters:
    ///   - consecutiveFailures: Failures since the last success or reset; 0 or more.
    ///   - lastFailureAt: When the last one happened; present exactly when there was a failure.
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` for a negative count, or a count and a time that do
    ///   not agree.
    public init(consecutiveFailures: Int, lastFailureAt: Int64?) throws(OneTimeCodeError) {
        guard consecutiveFailures >= 0, (consecutiveFailures == 0) == (lastFailureAt == nil) else {
            throw OneTimeCodeError(
                .invalidParameter, "a throttle state has a failure time exactly when it counts failures (0 or more)")
        }
        self.consecutiveFailures = consecutiveFailures
        self.lastFailureAt = lastFailureAt
    }

    /// The policy's decision for this state at `now`.
    ///
    /// - Parameters:
    ///   - policy: The throttle policy.
    ///   - now: The current time in Unix seconds.
    /// - Returns: The decision.
    public func decision(policy: ThrottlePolicy = .default, at now: Int64) -> ThrottleDecision {
        policy.decision(consecutiveFailures: consecutiveFailures, lastFailureAt: lastFailureAt, at: now)
    }

    /// Throws unless an attempt is allowed at `now`.
    ///
    /// - Parameters:
    ///   - policy: The throttle policy.
    ///   - now: The current time in Unix seconds.
    /// - Throws: ``OneTimeCodeError/Code/throttled`` with ``OneTimeCodeError/retryAfter``, or
    ///   ``OneTimeCodeError/Code/locked``.
    public func checkAllowed(policy: ThrottlePolicy = .default, at now: Int64) throws(OneTimeCodeError) {
        switch decision(policy: policy, at: now) {
        case .allowed:
            return
        case .retryAfter(let seconds):
            throw OneTimeCodeError(
                .throttled, "\(consecutiveFailures) consecutive failures; retry in \(seconds) s", retryAfter: seconds)
        case .locked:
            throw OneTimeCodeError(.locked, "\(consecutiveFailures) consecutive failures: locked")
        }
    }

    /// Counts a failure at `now`.
    ///
    /// - Parameter now: The current time in Unix seconds.
    public mutating func recordFailure(at now: Int64) {
        consecutiveFailures += 1
        lastFailureAt = now
    }

    /// Clears the count after a success, a recovery or an administrator's reset.
    public mutating func reset() {
        consecutiveFailures = 0
        lastFailureAt = nil
    }
}
