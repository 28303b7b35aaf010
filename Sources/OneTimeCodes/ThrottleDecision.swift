/// What ``ThrottlePolicy`` says about an attempt. "Policy said no" is a value, not an error.
public enum ThrottleDecision: Sendable, Hashable {
    /// Go ahead.
    case allowed
    /// Wait this many seconds first.
    case retryAfter(seconds: Int64)
    /// Locked: only a recovery or an administrator lifts it.
    case locked
}
