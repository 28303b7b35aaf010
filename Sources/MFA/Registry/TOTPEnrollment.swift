public import OneTimeCodes

/// What the user needs to add a new authenticator app: a QR code to scan, or the secret to type.
///
/// The method stays ``MFAMethodState/pending`` until ``MFAMethodRegistry/confirmTOTPEnrollment(accountID:methodID:code:)``
/// receives a valid current code from the app.
///
/// - Warning: ``uri``, ``qrCode`` and ``manualEntrySecret`` contain the secret. Show them once, to the
///   account's owner only; never log them.
public struct TOTPEnrollment: Sendable {
    /// The pending method.
    public let methodID: String
    /// The `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…` Key URI.
    public let uri: OTPAuthURI
    /// The URI as a QR code; render it with ``OneTimeCodes/QRCode/terminalString(style:quietZone:)``,
    /// ``OneTimeCodes/QRCode/svg(moduleSize:quietZone:)`` or ``OneTimeCodes/QRCode/png(moduleSize:quietZone:)``.
    public let qrCode: QRCode
    /// The secret in Base32, in groups of four, for typing into the app by hand.
    public let manualEntrySecret: String
    /// Algorithm, digits and period.
    public let configuration: TOTPConfiguration

    /// The URI text.
    public var uriString: String { uri.uriString }
}
