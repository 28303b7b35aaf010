/// An email-like notice to an account's owner about an ``MFAEvent``.
///
/// ``OutboxNotifier`` writes it as one JSON line with the members `to`, `subject`, `body`, `event` and
/// `time` (and `account` when set).
public struct MFANotification: Sendable, Hashable, Codable {
    /// The owner's address, for example an email address.
    public let to: String
    /// The subject line.
    public let subject: String
    /// The text.
    public let body: String
    /// What happened.
    public let event: MFAEvent
    /// When, in Unix seconds.
    public let time: Int64
    /// The account's name in the registry, when the channel wants it.
    public let account: String?

    /// A notice with text of the caller's own.
    ///
    /// - Parameters:
    ///   - to: The owner's address.
    ///   - subject: The subject line.
    ///   - body: The text.
    ///   - event: What happened.
    ///   - time: Unix seconds.
    ///   - account: The account's name, if wanted.
    public init(to: String, subject: String, body: String, event: MFAEvent, time: Int64, account: String? = nil) {
        self.to = to
        self.subject = subject
        self.body = body
        self.event = event
        self.time = time
        self.account = account
    }

    /// A notice with this module's standard wording for `event`.
    ///
    /// Every body ends by telling the reader to contact support if they did not make the change, since a
    /// change they did not make means someone else controls the account.
    ///
    /// - Parameters:
    ///   - event: What happened.
    ///   - to: The owner's address.
    ///   - account: The account's name, shown in the text.
    ///   - detail: What changed, shown in the text when given: a method's name (`Work phone`), a masked
    ///     number (`+•••••••••23`), who reset (`by an administrator`), the recovery codes left.
    ///   - time: Unix seconds.
    /// - Returns: The notice.
    public static func standard(event: MFAEvent, to: String, account: String, detail: String? = nil, time: Int64)
        -> MFANotification
    {
        let subject: String
        var text: String
        switch event {
        case .mfaEnabled:
            subject = "Two-step verification is on"
            text = "Two-step verification was turned on for \(account)"
            text += detail.map { " (\($0))." } ?? "."
            text += " Signing in now asks for a second step."
        case .methodAdded:
            subject = "A two-step verification method was added"
            text = "A two-step verification method was added to \(account)"
            text += detail.map { ": \($0)." } ?? "."
        case .methodRemoved:
            subject = "A two-step verification method was removed"
            text = "A two-step verification method was removed from \(account)"
            text += detail.map { ": \($0)." } ?? "."
        case .reset:
            subject = "Your two-step verification was reset"
            text = "All two-step verification methods of \(account) were turned off"
            text += detail.map { " \($0)." } ?? "."
            text += " You must set up a method again before you can sign in."
        case .phoneChanged:
            subject = "Your verification phone number changed"
            text = "Text message codes for \(account) now go to a new number"
            text += detail.map { ": \($0)." } ?? "."
        case .recoveryCodeUsed:
            subject = "A recovery code was used"
            text = "A recovery code was used to sign in to \(account)."
            if let detail { text += " \(detail)" }
        case .securityKeyCloneSuspected:
            subject = "A sign-in with a possibly copied security key was blocked"
            text = "A sign-in to \(account) with a security key was refused because the key's signature counter "
                + "went backwards, which can mean the key was copied"
            text += detail.map { ": \($0)." } ?? "."
            text += " If you did not just sign in, remove that key from your account."
        }
        text += "\n\nIf this wasn't you, contact support right away."
        return MFANotification(to: to, subject: subject, body: text, event: event, time: time, account: account)
    }
}
