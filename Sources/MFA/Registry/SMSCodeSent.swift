/// An SMS code that was handed to the gateway.
public struct SMSCodeSent: Sendable, Hashable {
    /// The challenge to enter the code against.
    public let challengeID: String
    /// The SMS method it belongs to.
    public let methodID: String
    /// The number, all but its last two digits hidden.
    public let maskedPhoneNumber: String
    /// When the code stops being accepted (Unix seconds).
    public let expiresAt: Int64
    /// The earliest time another code may be sent to this number (Unix seconds).
    public let resendAvailableAt: Int64
    /// What the gateway reported.
    public let receipt: DeliveryReceipt
}
