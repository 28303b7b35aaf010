/// Who made a change: the account's owner, or an administrator on the support path.
public enum MFAActor: Sendable, Hashable, CustomStringConvertible {
    /// The account's owner, signed in.
    case user
    /// An administrator ("contact support"), named for the audit log, with the reason given.
    case administrator(id: String, reason: String)

    /// `the user` or `administrator ID (reason)`, as the audit log records it.
    public var description: String {
        switch self {
        case .user: return "the user"
        case .administrator(let id, let reason): return "administrator \(id) (\(reason))"
        }
    }
}
