public import OneTimeCodes

/// A channel that carries a text message to a phone: the outbox file, Twilio, or a JSON webhook.
///
/// The MFA registry sends SMS codes through this protocol and never learns which channel it uses.
/// ``OutboxSMSGateway`` is the embedded default (and what tests read); ``TwilioSMSGateway`` and
/// ``WebhookSMSGateway`` deliver for real.
///
/// A conforming type must report every failure: when `send` returns, the channel has accepted the
/// message (a provider answered 2xx, or the outbox line is on disk). It never returns a receipt for a
/// message that was dropped.
public protocol SMSGateway: Sendable {
    /// Hands `body` to the channel for delivery to `recipient`.
    ///
    /// - Parameters:
    ///   - recipient: The destination, already validated as E.164 (and, by the caller, against the
    ///     country allow-list).
    ///   - body: The message text, for example `Your KeyBridge code is 123456`.
    /// - Returns: What the channel said about the accepted message.
    /// - Throws: ``MFAError`` when the channel did not accept the message, did not answer in time, or
    ///   could not be reached.
    func send(to recipient: PhoneNumber, body: String) async throws(MFAError) -> DeliveryReceipt
}
