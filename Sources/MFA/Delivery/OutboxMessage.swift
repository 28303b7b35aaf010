/// One text message as the outbox file records it: a line `{"body":…,"id":…,"time":…,"to":…}`.
public struct OutboxMessage: Sendable, Hashable, Codable {
    /// 32 random lowercase hex digits, unique per message.
    public let id: String
    /// The destination in E.164 form.
    public let to: String
    /// The message text.
    public let body: String
    /// When it was written, in Unix seconds from the gateway's clock.
    public let time: Int64

    /// A record.
    ///
    /// - Parameters:
    ///   - id: The message's identifier.
    ///   - to: The destination, E.164.
    ///   - body: The text.
    ///   - time: Unix seconds.
    public init(id: String, to: String, body: String, time: Int64) {
        self.id = id
        self.to = to
        self.body = body
        self.time = time
    }
}
