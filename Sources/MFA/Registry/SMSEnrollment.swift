/// A phone number being enrolled: the pending SMS method and the code sent to confirm it.
public struct SMSEnrollment: Sendable, Hashable {
    /// The pending method.
    public let methodID: String
    /// The code sent to the number.
    public let codeSent: SMSCodeSent
}
