/// A channel that tells account owners about changes to their MFA set-up.
///
/// The MFA registry sends a notice for every ``MFAEvent``. ``OutboxNotifier`` (a file of JSON lines) is
/// the embedded default; a deployment conforms its mailer to this protocol.
public protocol Notifier: Sendable {
    /// Hands `notification` to the channel.
    ///
    /// - Parameter notification: The notice.
    /// - Throws: ``MFAError`` when the channel did not accept it. The registry reports the failure; it
    ///   does not undo the change that caused the notice.
    func notify(_ notification: MFANotification) async throws(MFAError)
}
