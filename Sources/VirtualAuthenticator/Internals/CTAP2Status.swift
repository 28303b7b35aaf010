/// A CTAP status byte (CTAP 2.1 §8.2, "Status codes"): the first byte of every CTAP2 response.
struct CTAP2Status: Error, Hashable, Sendable {
    let rawValue: UInt8

    static let ok = CTAP2Status(rawValue: 0x00)
    static let invalidCommand = CTAP2Status(rawValue: 0x01)
    static let invalidParameter = CTAP2Status(rawValue: 0x02)
    static let invalidLength = CTAP2Status(rawValue: 0x03)
    static let invalidSequence = CTAP2Status(rawValue: 0x04)
    static let timeout = CTAP2Status(rawValue: 0x05)
    static let channelBusy = CTAP2Status(rawValue: 0x06)
    static let cborUnexpectedType = CTAP2Status(rawValue: 0x11)
    static let invalidCBOR = CTAP2Status(rawValue: 0x12)
    static let missingParameter = CTAP2Status(rawValue: 0x14)
    static let limitExceeded = CTAP2Status(rawValue: 0x15)
    static let credentialExcluded = CTAP2Status(rawValue: 0x19)
    static let invalidCredential = CTAP2Status(rawValue: 0x22)
    static let unsupportedAlgorithm = CTAP2Status(rawValue: 0x26)
    static let operationDenied = CTAP2Status(rawValue: 0x27)
    static let keyStoreFull = CTAP2Status(rawValue: 0x28)
    static let unsupportedOption = CTAP2Status(rawValue: 0x2B)
    static let invalidOption = CTAP2Status(rawValue: 0x2C)
    static let keepaliveCancel = CTAP2Status(rawValue: 0x2D)
    static let noCredentials = CTAP2Status(rawValue: 0x2E)
    static let userActionTimeout = CTAP2Status(rawValue: 0x2F)
    static let notAllowed = CTAP2Status(rawValue: 0x30)
    static let pinInvalid = CTAP2Status(rawValue: 0x31)
    static let pinBlocked = CTAP2Status(rawValue: 0x32)
    static let pinAuthInvalid = CTAP2Status(rawValue: 0x33)
    static let pinAuthBlocked = CTAP2Status(rawValue: 0x34)
    static let pinNotSet = CTAP2Status(rawValue: 0x35)
    static let pinUvAuthTokenRequired = CTAP2Status(rawValue: 0x36)
    static let pinPolicyViolation = CTAP2Status(rawValue: 0x37)
    static let requestTooLarge = CTAP2Status(rawValue: 0x39)
    static let invalidSubcommand = CTAP2Status(rawValue: 0x3E)
    static let unauthorizedPermission = CTAP2Status(rawValue: 0x40)
    static let other = CTAP2Status(rawValue: 0x7F)
}

/// The CTAP2 command bytes (CTAP 2.1 §6), with the preview bytes libfido2 1.12 still sends.
enum CTAP2Command {
    static let makeCredential: UInt8 = 0x01
    static let getAssertion: UInt8 = 0x02
    static let getInfo: UInt8 = 0x04
    static let clientPIN: UInt8 = 0x06
    static let reset: UInt8 = 0x07
    static let getNextAssertion: UInt8 = 0x08
    static let bioEnrollment: UInt8 = 0x09
    static let credentialManagement: UInt8 = 0x0A
    static let selection: UInt8 = 0x0B
    static let bioEnrollmentPreview: UInt8 = 0x40
    static let credentialManagementPreview: UInt8 = 0x41
}
