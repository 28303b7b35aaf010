import Testing
import VirtualAuthenticator

@testable import FIDODevices

/// libfido2 failures forced through the funnel's mocking (debug builds), each mapped to its FIDOError code.
@Suite struct MockedFailureTests {
    /// Runs `body` with `driver` installed for the current task.
    static func mocked<R>(_ driver: MockingDriver, _ body: () async throws -> R) async rethrows -> R {
        try await MockingDriver.$current.withValue(driver) { try await body() }
    }

    /// CTAP 2.1 §8.2 status codes (and libfido2's negative codes from fido/err.h) with the code each maps to.
    static let statusCodes: [(Int32, FIDOError.Code)] = [
        (0x31, .pinInvalid), (0x32, .pinBlocked), (0x33, .pinAuthInvalid), (0x34, .pinAuthBlocked),
        (0x35, .pinNotSet), (0x36, .pinRequired), (0x37, .pinPolicyViolation), (0x38, .pinAuthInvalid),
        (0x3C, .userVerificationBlocked), (0x3F, .userVerificationInvalid), (0x19, .credentialExcluded),
        (0x2E, .noCredentials), (0x22, .invalidCredential), (0x27, .operationDenied), (0x2F, .userActionTimeout),
        (0x3A, .userActionTimeout), (0x26, .unsupportedAlgorithm), (0x2B, .unsupportedOption),
        (0x2C, .unsupportedOption), (0x16, .unsupportedExtension), (0x28, .keyStoreFull), (0x30, .notAllowed),
        (0x06, .channelBusy), (0x39, .requestTooLarge), (0x15, .requestTooLarge), (0x2D, .cancelled),
        (0x05, .timeout), (0x02, .invalidParameter), (0x14, .invalidParameter), (0x01, .ctapError),
        (0x7F, .ctapError), (-1, .transmitFailed), (-2, .receiveFailed), (-3, .invalidResponse),
        (-4, .invalidResponse), (-5, .invalidParameter), (-6, .signatureInvalid), (-7, .invalidArgument),
        (-8, .userPresenceRequired), (-9, .internalError), (-10, .notFound),
    ]

    @Test("Every libfido2 result maps to its code and keeps the result and fido_strerr's text", arguments: statusCodes)
    func mapping(result: Int32, code: FIDOError.Code) {
        let error = LibFIDO2.error(result: result, function: "fido_dev_make_cred")
        #expect(error.code == code)
        #expect(error.libfido2Result == result)
        #expect(error.reason.hasPrefix("fido_dev_make_cred: "))
        #expect(error.reason.contains(LibFIDO2.text(result)))
    }

    @Test("A forced FIDO_ERR_PIN_INVALID from fido_dev_make_cred surfaces as pin-invalid")
    func makeCredentialPINInvalid() async throws {
        let key = try await VirtualKey.open()
        let driver = MockingDriver()
        driver.force("fido_dev_make_cred", result: 0x31)
        let error = await #expect(throws: FIDOError.self) {
            try await Self.mocked(driver) { try await key.device.makeCredential(VirtualKey.registration()) }
        }
        #expect(error?.code == .pinInvalid)
        #expect(error?.reason.contains("FIDO_ERR_PIN_INVALID") == true)
        #expect(driver.trace.contains("fido_cred_set_clientdata_hash"))
        // The forced result is used once: the next call reaches the key.
        _ = try await Self.mocked(driver) { try await key.device.makeCredential(VirtualKey.registration()) }
    }

    @Test(
        "Forced failures of other calls map to their codes",
        arguments: [
            ("fido_dev_get_assert", Int32(0x2E), FIDOError.Code.noCredentials),
            ("fido_dev_get_cbor_info", -4, .invalidResponse),
            ("fido_dev_get_retry_count", -1, .transmitFailed),
            ("fido_dev_set_pin", 0x37, .pinPolicyViolation),
            ("fido_dev_reset", 0x30, .resetNotAllowed),
            ("fido_dev_reset", 0x27, .operationDenied),
            ("fido_credman_get_dev_metadata", 0x33, .pinAuthInvalid),
            ("fido_cred_new", -9, .allocationFailed),
            ("fido_assert_new", -9, .allocationFailed),
        ])
    func forcedFailures(function: String, result: Int32, code: FIDOError.Code) async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        let driver = MockingDriver()
        driver.force(function, result: result)
        let device = key.device
        let error = await #expect(throws: FIDOError.self) {
            try await Self.mocked(driver) {
                switch function {
                case "fido_dev_get_assert", "fido_assert_new":
                    _ = try await device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID]))
                case "fido_dev_get_cbor_info": _ = try await device.info()
                case "fido_dev_get_retry_count": _ = try await device.pinRetries()
                case "fido_dev_set_pin": try await device.setPIN(try VirtualKey.pin("1234"))
                case "fido_dev_reset": try await device.reset()
                case "fido_credman_get_dev_metadata":
                    _ = try await device.discoverableCredentialCounts(pin: try VirtualKey.pin("1234"))
                default: _ = try await device.makeCredential(VirtualKey.registration())
                }
            }
        }
        #expect(error?.code == code)
        #expect(driver.trace.contains(function))
    }

    @Test("A forced receive failure while opening fails the open with receive-failed")
    func openFailure() async throws {
        let driver = MockingDriver()
        driver.force("fido_dev_open", result: -2)
        let authenticator = try VirtualAuthenticator()
        let error = await #expect(throws: FIDOError.self) {
            try await Self.mocked(driver) { try await FIDODevice.open(transport: authenticator) }
        }
        #expect(error?.code == .receiveFailed)
    }

    @Test("A forced no-credentials answer to the RP listing is an empty list, not an error")
    func emptyRelyingPartyList() async throws {
        let key = try await VirtualKey.open()
        let pin = try VirtualKey.pin("1234")
        try await key.device.setPIN(pin)
        _ = try await key.device.makeCredential(VirtualKey.registration(residentKey: true), pin: pin)
        let driver = MockingDriver()
        driver.force("fido_credman_get_dev_rp", result: 0x2E)
        #expect(try await Self.mocked(driver) { try await key.device.relyingParties(pin: pin) }.isEmpty)
        #expect(try await key.device.relyingParties(pin: pin).count == 1)
    }

    @Test("A make-credential call goes through the funnel in the order libfido2 needs")
    func callOrder() async throws {
        let key = try await VirtualKey.open()
        let driver = MockingDriver()
        var request = VirtualKey.registration(residentKey: true)
        request.credentialProtection = .userVerificationRequired
        request.hmacSecret = true
        _ = try await Self.mocked(driver) { try await key.device.makeCredential(request) }
        let trace = driver.trace
        let order = [
            "fido_cred_new", "fido_cred_set_type", "fido_cred_set_clientdata_hash", "fido_cred_set_rp",
            "fido_cred_set_user", "fido_cred_set_rk", "fido_cred_set_extensions", "fido_cred_set_prot",
            "fido_dev_make_cred",
        ]
        let positions = order.compactMap { trace.firstIndex(of: $0) }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
    }
}
