/// What a channel reported when it accepted a message.
///
/// Acceptance is not delivery: Twilio answers `queued` long before the handset receives anything. Keep
/// the receipt (in the audit log, for example) to match a later complaint with the provider's records.
public struct DeliveryReceipt: Sendable, Hashable, Codable {
    /// The channel: `outbox`, `twilio`, `webhook`, or a custom gateway's name.
    public let channel: String
    /// The message's identifier at the channel: the outbox record's `id`, Twilio's message SID (`SM…`),
    /// or the webhook's answer `id` (else the `id` this module sent). Nil when the channel gave none.
    public let messageID: String?
    /// The channel's status word when it gave one, for example Twilio's `queued` or `accepted`.
    public let status: String?
    /// When the channel accepted the message, in Unix seconds from the gateway's clock.
    public let acceptedAt: Int64

    /// A receipt.
    ///
    /// - Parameters:
    ///   - channel: The channel's name.
    ///   - messageID: The channel's identifier for the message, if any.
    ///   - status: The channel's status word, if any.
    ///   - acceptedAt: Unix seconds.
    public init(channel: String, messageID: String?, status: String?, acceptedAt: Int64) {
        self.channel = channel
        self.messageID = messageID
        self.status = status
        self.acceptedAt = acceptedAt
    }
}
