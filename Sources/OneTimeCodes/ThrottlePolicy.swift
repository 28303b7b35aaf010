/// How failed second-factor attempts slow down an account (NIST SP 800-63B §5.2.2).
///
/// The first ``freeFailures`` consecutive failures cost nothing. From then on each further attempt waits
/// ``initialDelay`` seconds after the last failure, doubling with every failure up to ``maximumDelay``. At
/// ``lockThreshold`` consecutive failures the account is locked until a recovery or an administrator resets
/// the count. A success resets it too. Failures of every factor, password included, count alike.
///
/// A pure value: the caller passes the failure count, the last failure's time and the current time.
public struct ThrottlePolicy: Sendable, Hashable, Codable {
    /// Consecutive failures allowed without delay (default 5).
    public var freeFailures: Int
    /// The delay after the first failure past ``freeFailures``, in seconds (default 30).
    public var initialDelay: Int64
    /// The longest delay, in seconds (default 900: 15 minutes).
    public var maximumDelay: Int64
    /// Consecutive failures that lock the account (default 100, SP 800-63B's limit).
    public var lockThreshold: Int

    /// A policy.
    ///
    /// - Parameters:
    ///   - freeFailures: Failures without delay.
    ///   - initialDelay: The first delay in seconds.
    ///   - maximumDelay: The delay cap in seconds.
    ///   - lockThreshold: Failures that lock.
    public init(freeFailures: Int = 5, initialDelay: Int64 = 30, maximumDelay: Int64 = 900, lockThreshold: Int = 100) {
        self.freeFailures = freeFailures
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.lockThreshold = lockThreshold
    }

    /// 5 free failures, then 30 s doubling to 15 min, lock at 100.
    public static let `default` = ThrottlePolicy()

    /// The wait after `consecutiveFailures` failures, in seconds (0 while they are free).
    ///
    /// - Parameter consecutiveFailures: Failures since the last success.
    /// - Returns: 0, or `initialDelay · 2^(failures − freeFailures)` capped at `maximumDelay`.
    public func delay(afterFailures consecutiveFailures: Int) -> Int64 {
        guard consecutiveFailures >= freeFailures else { return 0 }
        var delay = initialDelay
        var doublings = consecutiveFailures - freeFailures
        while doublings > 0 && delay < maximumDelay {
            delay = delay > Int64.max / 2 ? maximumDelay : delay * 2
            doublings -= 1
        }
        return min(delay, maximumDelay)
    }

    /// Whether an attempt may be made now.
    ///
    /// - Parameters:
    ///   - consecutiveFailures: Failures since the last success (or reset).
    ///   - lastFailureAt: When the last of them happened, or nil if there were none.
    ///   - now: The current time in Unix seconds.
    /// - Returns: ``ThrottleDecision/allowed``, ``ThrottleDecision/retryAfter(seconds:)`` or
    ///   ``ThrottleDecision/locked``.
    public func decision(consecutiveFailures: Int, lastFailureAt: Int64?, at now: Int64) -> ThrottleDecision {
        if consecutiveFailures >= lockThreshold { return .locked }
        let delay = delay(afterFailures: consecutiveFailures)
        guard delay > 0, let lastFailureAt else { return .allowed }
        let wait = lastFailureAt + delay - now
        return wait > 0 ? .retryAfter(seconds: wait) : .allowed
    }
}
