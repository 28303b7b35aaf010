/// The embedded default ``Notifier``: appends each notice to a file as one JSON line, with the same
/// append, lock and `fsync` discipline as ``OutboxSMSGateway``.
///
/// Each line is `{"account":…,"body":…,"event":…,"subject":…,"time":…,"to":…}`. Read them back with
/// ``notifications()``.
public struct OutboxNotifier: Notifier {
    /// The file that receives the notices.
    public let path: String
    private let file: JSONLinesFile

    /// An outbox that appends to `path`.
    ///
    /// - Parameter path: The file. Its directory must exist; the file is created (mode 0600) on first use.
    public init(path: String) {
        self.path = path
        self.file = JSONLinesFile(path: path)
    }

    /// Appends `notification` as one line and syncs the file.
    ///
    /// - Parameter notification: The notice.
    /// - Throws: ``MFAError/Code/invalidMessage`` when the address or subject is empty;
    ///   ``MFAError/Code/outboxUnavailable`` when the file cannot be written or synced.
    public func notify(_ notification: MFANotification) async throws(MFAError) {
        guard !notification.to.isEmpty else { throw MFAError(.invalidMessage, "the notice has no recipient") }
        guard !notification.subject.isEmpty else { throw MFAError(.invalidMessage, "the notice has no subject") }
        try file.append(notification)
    }

    /// Every notice in the file, oldest first; a line without its newline is left out.
    ///
    /// - Returns: The notices; empty when the file does not exist yet.
    /// - Throws: ``MFAError/Code/outboxUnavailable`` when the file cannot be read;
    ///   ``MFAError/Code/outboxCorrupt`` when a complete line is not a notice.
    public func notifications() throws(MFAError) -> [MFANotification] {
        try file.read(MFANotification.self)
    }
}
