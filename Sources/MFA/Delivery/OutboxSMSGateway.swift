public import OneTimeCodes

/// The embedded default ``SMSGateway``: appends each message to a file, one JSON line per message, and
/// sends nothing.
///
/// Development servers, the `keybridge mfa` command line and the tests read the codes back with
/// ``messages()`` or ``latestMessage(to:)``. Each send opens the file with `O_APPEND`, locks it, writes
/// one line, `fsync`s and closes, so concurrent senders (threads or processes) never mix their lines and
/// a message is on disk before ``send(to:body:)`` returns. The file is created with mode 0600.
///
/// - Warning: The file holds live one-time codes in clear text. Never point production at an outbox.
public struct OutboxSMSGateway: SMSGateway {
    /// The file that receives the messages.
    public let path: String
    private let file: JSONLinesFile
    private let clock: @Sendable () -> Int64

    /// An outbox that appends to `path`.
    ///
    /// - Parameters:
    ///   - path: The file. Its directory must exist; the file is created on the first send.
    ///   - clock: Unix seconds for each record's `time`; nil for the system clock.
    public init(path: String, clock: (@Sendable () -> Int64)? = nil) {
        self.path = path
        self.file = JSONLinesFile(path: path)
        self.clock = clock ?? systemUnixTime
    }

    /// Appends `body` for `recipient` as one line and syncs the file.
    ///
    /// - Parameters:
    ///   - recipient: The destination.
    ///   - body: The text; must not be empty.
    /// - Returns: A receipt whose ``DeliveryReceipt/messageID`` is the record's `id` and whose status is
    ///   `written`.
    /// - Throws: ``MFAError/Code/invalidMessage`` for an empty body;
    ///   ``MFAError/Code/outboxUnavailable`` when the file cannot be written or synced.
    public func send(to recipient: PhoneNumber, body: String) async throws(MFAError) -> DeliveryReceipt {
        guard !body.isEmpty else { throw MFAError(.invalidMessage, "the message body is empty") }
        let message = OutboxMessage(id: MessageIdentifier.generate(), to: recipient.e164, body: body, time: clock())
        try file.append(message)
        return DeliveryReceipt(channel: "outbox", messageID: message.id, status: "written", acceptedAt: message.time)
    }

    /// Every message in the file, oldest first.
    ///
    /// A last line without its newline (a write in progress, or one cut short by a crash) is left out.
    ///
    /// - Returns: The messages; empty when the file does not exist yet.
    /// - Throws: ``MFAError/Code/outboxUnavailable`` when the file cannot be read;
    ///   ``MFAError/Code/outboxCorrupt`` when a complete line is not a message record.
    public func messages() throws(MFAError) -> [OutboxMessage] {
        try file.read(OutboxMessage.self)
    }

    /// The newest message to `recipient`, if any: where a developer finds the code just sent.
    ///
    /// - Parameter recipient: The destination.
    /// - Returns: The last message in the file addressed to it, or nil.
    /// - Throws: As ``messages()``.
    public func latestMessage(to recipient: PhoneNumber) throws(MFAError) -> OutboxMessage? {
        try messages().last { $0.to == recipient.e164 }
    }
}
