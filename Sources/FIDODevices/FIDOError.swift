/// The one error type of the `FIDODevices` module.
///
/// Every failure carries a stable string ``Code`` (for logs, scripts and the `keybridge` command line), a
/// human-readable reason and the source location that raised it. Failures reported by libfido2 also carry
/// the libfido2 result (``libfido2Result``); their reason holds libfido2's own text (`fido_strerr`). Two
/// errors are equal when their codes are equal, so callers match on the code and never on the text.
public struct FIDOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, extensible error code. Its ``rawValue`` never changes once published.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, CaseIterable, Sendable {
            // The key said no (CTAP2 status codes, CTAP 2.1 §8.2).
            case pinInvalid = "pin-invalid"
            case pinBlocked = "pin-blocked"
            case pinAuthInvalid = "pin-auth-invalid"
            case pinAuthBlocked = "pin-auth-blocked"
            case pinNotSet = "pin-not-set"
            case pinRequired = "pin-required"
            case pinPolicyViolation = "pin-policy-violation"
            case pinConfirmationMismatch = "pin-confirmation-mismatch"
            case userVerificationBlocked = "uv-blocked"
            case userVerificationInvalid = "uv-invalid"
            case credentialExcluded = "credential-excluded"
            case noCredentials = "no-credentials"
            case invalidCredential = "invalid-credential"
            case operationDenied = "operation-denied"
            case userActionTimeout = "user-action-timeout"
            case unsupportedAlgorithm = "unsupported-algorithm"
            case unsupportedOption = "unsupported-option"
            case unsupportedExtension = "unsupported-extension"
            case keyStoreFull = "key-store-full"
            case notAllowed = "not-allowed"
            case resetNotAllowed = "reset-not-allowed"
            case channelBusy = "channel-busy"
            case requestTooLarge = "request-too-large"
            case ctapError = "ctap-error"
            // libfido2's own failures (negative results).
            case transmitFailed = "transmit-failed"
            case receiveFailed = "receive-failed"
            case invalidResponse = "invalid-response"
            case invalidParameter = "invalid-parameter"
            case invalidArgument = "invalid-argument"
            case signatureInvalid = "signature-invalid"
            case userPresenceRequired = "user-presence-required"
            case internalError = "internal-error"
            case notFound = "not-found"
            // The device and its transport.
            case timeout = "timeout"
            case cancelled = "cancelled"
            case deviceRemoved = "device-removed"
            case deviceBusy = "device-busy"
            case permissionDenied = "permission-denied"
            case noDevice = "no-device"
            case ioFailed = "io-failed"
            case allocationFailed = "allocation-failed"
            // Recorded CTAP exchanges (Recording/): reading a recording file and replaying it.
            case recordingInvalid = "recording-invalid"
            case recordingTooLarge = "recording-too-large"
            case recordingUnsupportedFormat = "recording-unsupported-format"
            case replayRequestMismatch = "replay-request-mismatch"
            case replayIncomplete = "replay-incomplete"
            case replayOutputMismatch = "replay-output-mismatch"
            case replayCounterNotIncreasing = "replay-counter-not-increasing"
            case replayUnknownCredential = "replay-unknown-credential"
            case replayVerificationFailed = "replay-verification-failed"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The stable string form, for example `pin-invalid`.
        public var rawValue: String { backing.rawValue }
        /// The same as ``rawValue``.
        public var description: String { backing.rawValue }

        /// Every code this version knows, in declaration order.
        public static var allCodes: [Code] { Backing.allCases.map(Code.init) }

        /// The PIN was wrong (CTAP2_ERR_PIN_INVALID); the key counts the failure.
        public static let pinInvalid = Code(.pinInvalid)
        /// No PIN retries left (CTAP2_ERR_PIN_BLOCKED): only a reset makes the key usable again.
        public static let pinBlocked = Code(.pinBlocked)
        /// The pinUvAuthParam did not verify (CTAP2_ERR_PIN_AUTH_INVALID).
        public static let pinAuthInvalid = Code(.pinAuthInvalid)
        /// Too many wrong PINs since power-up (CTAP2_ERR_PIN_AUTH_BLOCKED): unplug and replug the key.
        public static let pinAuthBlocked = Code(.pinAuthBlocked)
        /// The operation needs a PIN and the key has none (CTAP2_ERR_PIN_NOT_SET).
        public static let pinNotSet = Code(.pinNotSet)
        /// The operation needs the PIN (CTAP2_ERR_PIN_REQUIRED).
        public static let pinRequired = Code(.pinRequired)
        /// The new PIN breaks the key's PIN policy, for example it is too short (CTAP2_ERR_PIN_POLICY_VIOLATION).
        public static let pinPolicyViolation = Code(.pinPolicyViolation)
        /// The new PIN and its confirmation, typed twice at the terminal, differ; nothing was sent to the key.
        public static let pinConfirmationMismatch = Code(.pinConfirmationMismatch)
        /// Built-in user verification is blocked (CTAP2_ERR_UV_BLOCKED).
        public static let userVerificationBlocked = Code(.userVerificationBlocked)
        /// Built-in user verification failed (CTAP2_ERR_UV_INVALID).
        public static let userVerificationInvalid = Code(.userVerificationInvalid)
        /// The key already holds a credential of the exclude list (CTAP2_ERR_CREDENTIAL_EXCLUDED).
        public static let credentialExcluded = Code(.credentialExcluded)
        /// The key has no credential for the request (CTAP2_ERR_NO_CREDENTIALS).
        public static let noCredentials = Code(.noCredentials)
        /// A credential the request names is not valid (CTAP2_ERR_INVALID_CREDENTIAL).
        public static let invalidCredential = Code(.invalidCredential)
        /// The user refused (CTAP2_ERR_OPERATION_DENIED).
        public static let operationDenied = Code(.operationDenied)
        /// Nobody touched the key in time (CTAP2_ERR_USER_ACTION_TIMEOUT or CTAP2_ERR_ACTION_TIMEOUT).
        public static let userActionTimeout = Code(.userActionTimeout)
        /// The key implements none of the requested algorithms (CTAP2_ERR_UNSUPPORTED_ALGORITHM).
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// The key does not support a requested option, such as a discoverable credential on a U2F key.
        public static let unsupportedOption = Code(.unsupportedOption)
        /// The key does not support a requested extension (CTAP2_ERR_UNSUPPORTED_EXTENSION).
        public static let unsupportedExtension = Code(.unsupportedExtension)
        /// The key has no room for another discoverable credential (CTAP2_ERR_KEY_STORE_FULL).
        public static let keyStoreFull = Code(.keyStoreFull)
        /// The key does not allow the operation now (CTAP2_ERR_NOT_ALLOWED).
        public static let notAllowed = Code(.notAllowed)
        /// The key refused a reset: keys accept it only within a few seconds of power-up.
        public static let resetNotAllowed = Code(.resetNotAllowed)
        /// Another program is talking to the key (CTAPHID_ERR_CHANNEL_BUSY).
        public static let channelBusy = Code(.channelBusy)
        /// The request is larger than the key accepts (CTAP2_ERR_REQUEST_TOO_LARGE, CTAP2_ERR_LIMIT_EXCEEDED).
        public static let requestTooLarge = Code(.requestTooLarge)
        /// Any other CTAP status code; the reason names it.
        public static let ctapError = Code(.ctapError)
        /// libfido2 could not send to the key (FIDO_ERR_TX).
        public static let transmitFailed = Code(.transmitFailed)
        /// libfido2 could not read the key's answer (FIDO_ERR_RX), or the key answered with a CTAPHID error.
        public static let receiveFailed = Code(.receiveFailed)
        /// The key's answer is not the CBOR it should be (FIDO_ERR_RX_NOT_CBOR, FIDO_ERR_RX_INVALID_CBOR), or
        /// KeyBridge could not read what libfido2 returned.
        public static let invalidResponse = Code(.invalidResponse)
        /// A value did not match what was expected (FIDO_ERR_INVALID_PARAM; CTAP2_ERR_INVALID_PARAMETER),
        /// for example the RP ID hash or the flags checked by `fido_cred_verify`.
        public static let invalidParameter = Code(.invalidParameter)
        /// A request was not well formed (FIDO_ERR_INVALID_ARGUMENT, or a check KeyBridge makes first).
        public static let invalidArgument = Code(.invalidArgument)
        /// A signature did not verify (FIDO_ERR_INVALID_SIG).
        public static let signatureInvalid = Code(.signatureInvalid)
        /// The key needs a touch (FIDO_ERR_USER_PRESENCE_REQUIRED, U2F).
        public static let userPresenceRequired = Code(.userPresenceRequired)
        /// libfido2 failed internally (FIDO_ERR_INTERNAL and others).
        public static let internalError = Code(.internalError)
        /// libfido2 found nothing (FIDO_ERR_NOTFOUND).
        public static let notFound = Code(.notFound)
        /// The operation took longer than its timeout; KeyBridge cancelled it on the key.
        public static let timeout = Code(.timeout)
        /// The operation was cancelled (Task cancellation, or the key reported CTAP2_ERR_KEEPALIVE_CANCEL).
        public static let cancelled = Code(.cancelled)
        /// The key was unplugged during the operation (ENODEV or EIO on its hidraw node).
        public static let deviceRemoved = Code(.deviceRemoved)
        /// Another process holds the key (its hidraw node is locked).
        public static let deviceBusy = Code(.deviceBusy)
        /// A FIDO hidraw node exists but this user may not open it; the reason names the fix.
        public static let permissionDenied = Code(.permissionDenied)
        /// No key is plugged in, or none at the given path.
        public static let noDevice = Code(.noDevice)
        /// Any other system call failure on the key's node; the reason holds `errno`'s text.
        public static let ioFailed = Code(.ioFailed)
        /// libfido2 could not allocate an object.
        public static let allocationFailed = Code(.allocationFailed)
        /// A recording file is not a valid recording: not JSON, a member missing or of the wrong type, bad hex
        /// or base64url, or inputs that contradict each other. The reason names the member.
        public static let recordingInvalid = Code(.recordingInvalid)
        /// A recording file (or one of its lists) is larger than the reader accepts.
        public static let recordingTooLarge = Code(.recordingTooLarge)
        /// A recording file names a format this version cannot read.
        public static let recordingUnsupportedFormat = Code(.recordingUnsupportedFormat)
        /// During a replay, libfido2 sent a request that differs from the recorded one, or sent or waited where
        /// the recording has the other direction; the reason names the step and frame index.
        public static let replayRequestMismatch = Code(.replayRequestMismatch)
        /// A replayed step finished with recorded frames left over.
        public static let replayIncomplete = Code(.replayIncomplete)
        /// A replayed step produced another response (or another error) than the recording expects.
        public static let replayOutputMismatch = Code(.replayOutputMismatch)
        /// A replayed assertion's signature counter did not increase over the credential's previous one.
        public static let replayCounterNotIncreasing = Code(.replayCounterNotIncreasing)
        /// A replayed assertion names a credential that no earlier step of the recording registered.
        public static let replayUnknownCredential = Code(.replayUnknownCredential)
        /// A relying-party verifier plugged into the replay rejected a replayed response.
        public static let replayVerificationFailed = Code(.replayVerificationFailed)
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation. It never contains the PIN or key material.
    public let reason: String
    /// The libfido2 result (a `FIDO_ERR_*` value) when libfido2 reported the failure, else nil.
    public let libfido2Result: Int32?
    /// The file that raised the error.
    public let file: String
    /// The line that raised the error.
    public let line: Int

    /// An error with `code` and `reason`, located at the caller.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - reason: A human-readable explanation (no secrets).
    ///   - libfido2Result: The libfido2 result behind the error, if any.
    ///   - file: The raising file; defaults to the caller's.
    ///   - line: The raising line; defaults to the caller's.
    public init(
        _ code: Code, _ reason: String, libfido2Result: Int32? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.reason = reason
        self.libfido2Result = libfido2Result
        self.file = file
        self.line = line
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: FIDOError, rhs: FIDOError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
