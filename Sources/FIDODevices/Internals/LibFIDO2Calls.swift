internal import CFIDO2

/// The one funnel every libfido2 call goes through (STYLE §10 rules 8 and 9).
///
/// ``status(_:bridge:_:)`` runs a call that returns a `FIDO_ERR_*` int and maps a failure to ``FIDOError``,
/// with libfido2's own text from `fido_strerr`. ``allocate(_:_:)`` runs a `*_new` constructor and turns
/// NULL into ``FIDOError/Code/allocationFailed``. Getters that cannot fail (`fido_cred_id_ptr` and friends)
/// are called directly by the owner that holds the object. In debug builds (`ENABLE_MOCKING`), a test can
/// force the result of any call by its function name through ``MockingDriver``, and read back the trace of
/// calls made.
enum LibFIDO2 {
    /// `fido_init` runs once per process, before the first device or object is created.
    ///
    /// `FIDO_DISABLE_U2F_FALLBACK`: a key that claims CTAP2 (the CBOR capability) but answers getInfo with
    /// something libfido2 rejects, such as non-canonical CBOR, fails loudly instead of being spoken to as a
    /// U2F key. Keys that do not claim CTAP2 (U2F-only keys) still work as U2F keys: libfido2 takes the U2F
    /// path for them whatever the flag says. The flag is process-wide, so KeyBridge always sets it.
    private static let initialized: Bool = {
        fido_init(FIDO_DISABLE_U2F_FALLBACK)
        return true
    }()

    /// Makes sure `fido_init` ran.
    static func initialize() {
        _ = initialized
    }

    /// Runs one libfido2 call that returns a status, and throws the mapped error when it is not `FIDO_OK`.
    ///
    /// When the call went through a device's custom io and the io layer recorded why it failed (a timeout,
    /// a cancellation, an unplugged key), that cause wins over the generic `FIDO_ERR_RX`/`FIDO_ERR_TX` (or
    /// the key's CTAP2_ERR_KEEPALIVE_CANCEL) libfido2 reports.
    ///
    /// - Parameters:
    ///   - function: The libfido2 function's name, for the error text and for mocking.
    ///   - bridge: The device's io bridge, when the call talks to a device.
    ///   - body: The call.
    static func status(_ function: StaticString, bridge: IOBridge? = nil, _ body: () -> Int32) throws(FIDOError) {
        initialize()
        let result: Int32
        #if ENABLE_MOCKING
        if let driver = MockingDriver.current {
            driver.record(function)
            result = driver.forcedResult(for: function) ?? body()
        } else {
            result = body()
        }
        #else
        result = body()
        #endif
        guard result != FIDO_OK else { return }
        if let cause = bridge?.takeFailure() { throw cause }
        throw error(result: result, function: "\(function)")
    }

    /// Runs one libfido2 constructor and returns the new object, which the caller must hand to its one owner
    /// at once.
    ///
    /// - Parameters:
    ///   - function: The constructor's name, for the error text and for mocking.
    ///   - body: The call.
    /// - Returns: The new object.
    /// - Throws: ``FIDOError/Code/allocationFailed`` when libfido2 returns NULL.
    static func allocate(_ function: StaticString, _ body: () -> OpaquePointer?) throws(FIDOError) -> OpaquePointer {
        initialize()
        #if ENABLE_MOCKING
        if let driver = MockingDriver.current {
            driver.record(function)
            if driver.forcedResult(for: function) != nil {
                throw FIDOError(.allocationFailed, "\(function) returned NULL (mocked)")
            }
        }
        #endif
        guard let pointer = body() else {
            throw FIDOError(.allocationFailed, "\(function) returned NULL")
        }
        return pointer
    }

    /// libfido2's text for a result.
    static func text(_ result: Int32) -> String {
        guard let text = fido_strerr(result) else { return "libfido2 error \(result)" }
        return String(cString: text)
    }

    /// The one mapping from a libfido2 result to ``FIDOError``.
    ///
    /// - Parameters:
    ///   - result: A `FIDO_ERR_*` value other than `FIDO_OK`.
    ///   - function: The function that returned it.
    /// - Returns: The error, with `fido_strerr`'s text in its reason.
    static func error(result: Int32, function: String) -> FIDOError {
        let code: FIDOError.Code
        switch result {
        case FIDO_ERR_PIN_INVALID: code = .pinInvalid
        case FIDO_ERR_PIN_BLOCKED: code = .pinBlocked
        case FIDO_ERR_PIN_AUTH_INVALID, FIDO_ERR_PIN_TOKEN_EXPIRED: code = .pinAuthInvalid
        case FIDO_ERR_PIN_AUTH_BLOCKED: code = .pinAuthBlocked
        case FIDO_ERR_PIN_NOT_SET: code = .pinNotSet
        case FIDO_ERR_PIN_REQUIRED: code = .pinRequired
        case FIDO_ERR_PIN_POLICY_VIOLATION: code = .pinPolicyViolation
        case FIDO_ERR_UV_BLOCKED: code = .userVerificationBlocked
        case FIDO_ERR_UV_INVALID: code = .userVerificationInvalid
        case FIDO_ERR_CREDENTIAL_EXCLUDED: code = .credentialExcluded
        case FIDO_ERR_NO_CREDENTIALS: code = .noCredentials
        case FIDO_ERR_INVALID_CREDENTIAL: code = .invalidCredential
        case FIDO_ERR_OPERATION_DENIED: code = .operationDenied
        case FIDO_ERR_USER_ACTION_TIMEOUT, FIDO_ERR_ACTION_TIMEOUT: code = .userActionTimeout
        case FIDO_ERR_UNSUPPORTED_ALGORITHM: code = .unsupportedAlgorithm
        case FIDO_ERR_UNSUPPORTED_OPTION, FIDO_ERR_INVALID_OPTION: code = .unsupportedOption
        case FIDO_ERR_UNSUPPORTED_EXTENSION: code = .unsupportedExtension
        case FIDO_ERR_KEY_STORE_FULL: code = .keyStoreFull
        case FIDO_ERR_NOT_ALLOWED, FIDO_ERR_UNAUTHORIZED_PERM: code = .notAllowed
        case FIDO_ERR_CHANNEL_BUSY: code = .channelBusy
        case FIDO_ERR_REQUEST_TOO_LARGE, FIDO_ERR_LIMIT_EXCEEDED: code = .requestTooLarge
        case FIDO_ERR_KEEPALIVE_CANCEL: code = .cancelled
        case FIDO_ERR_TIMEOUT: code = .timeout
        case FIDO_ERR_UP_REQUIRED, FIDO_ERR_USER_PRESENCE_REQUIRED: code = .userPresenceRequired
        case FIDO_ERR_INVALID_PARAMETER, FIDO_ERR_MISSING_PARAMETER, FIDO_ERR_INVALID_PARAM: code = .invalidParameter
        case FIDO_ERR_TX: code = .transmitFailed
        case FIDO_ERR_RX: code = .receiveFailed
        case FIDO_ERR_RX_NOT_CBOR, FIDO_ERR_RX_INVALID_CBOR: code = .invalidResponse
        case FIDO_ERR_INVALID_SIG: code = .signatureInvalid
        case FIDO_ERR_INVALID_ARGUMENT: code = .invalidArgument
        case FIDO_ERR_INTERNAL, FIDO_ERR_COMPRESS: code = .internalError
        case FIDO_ERR_NOTFOUND: code = .notFound
        default: code = .ctapError
        }
        let status = result > 0 ? String(format2Hex: result) : "\(result)"
        return FIDOError(code, "\(function): \(text(result)) (\(status))", libfido2Result: result)
    }
}

extension String {
    /// `0x2e`-style text for a CTAP status code.
    init(format2Hex value: Int32) {
        let digits = String(value, radix: 16)
        self = "0x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
