/// One entry of the append-only audit log.
///
/// The store offers no way to change or delete an entry; the SQLite store also refuses it with triggers.
public struct AuditEvent: Sendable, Hashable {
    /// The order of appending, assigned by the store: strictly increasing, never reused (0 before the
    /// event is stored).
    public internal(set) var sequence: Int64
    /// When (Unix seconds).
    public let time: Int64
    /// The account concerned, if any (an account need not exist for its events to be logged).
    public let accountID: String?
    /// What happened, as a short stable name (`method-added`, `sign-in-decision`, …); not empty.
    public let action: String
    /// The explanation, for people.
    public let detail: String

    /// An event to append with ``MFAStoreTransaction/appendAuditEvent(_:)``.
    ///
    /// - Parameters:
    ///   - time: When, in Unix seconds.
    ///   - accountID: The account, if any.
    ///   - action: A short stable name.
    ///   - detail: The explanation.
    public init(time: Int64, accountID: String?, action: String, detail: String) {
        self.sequence = 0
        self.time = time
        self.accountID = accountID
        self.action = action
        self.detail = detail
    }
}
