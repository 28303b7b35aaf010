import FIDODevices
import Foundation
import OpenSSLWrapper
import Testing
@_spi(ExpertsOnly) import WebAuthn

/// The same operations against a real key. They need a plugged-in key and a touch, so they run only with
/// KEYBRIDGE_HARDWARE_TESTS=1 (and KEYBRIDGE_HARDWARE_PIN for the PIN-protected parts, when the key has a PIN).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KEYBRIDGE_HARDWARE_TESTS"] == "1"))
struct HardwareKeyTests {
    static func openFirstKey() async throws -> FIDODevice {
        let descriptor = try #require(try FIDODevice.enumerate().first)
        var configuration = FIDODevice.Configuration()
        configuration.onUserPresenceRequired = {
            FileHandle.standardError.write(Data("Touch your security key…\n".utf8))
        }
        return try await FIDODevice.open(path: descriptor.path, configuration: configuration)
    }

    static var pin: DevicePIN? {
        ProcessInfo.processInfo.environment["KEYBRIDGE_HARDWARE_PIN"].flatMap { try? DevicePIN(utf8: Array($0.utf8)) }
    }

    @Test("A plugged-in key is enumerated and answers getInfo")
    func info() async throws {
        let device = try await Self.openFirstKey()
        let info = try await device.info()
        #expect(!info.versions.isEmpty)
    }

    @Test("A real key registers and authenticates; KeyBridge's verifier and libfido2 agree on both")
    func registerAndAuthenticate() async throws {
        let device = try await Self.openFirstKey()
        var request = RegistrationRequest(
            rpID: "keybridge.test", userID: SecureRandom.bytes(16), userName: "hardware",
            challenge: SecureRandom.bytes(32))
        request.algorithm = .es256
        let registration = try await device.makeCredential(request, pin: Self.pin)
        let record = try RelyingPartyCheck.verify(registration)
        if registration.format != "none" { try LibFIDO2Verification.verify(registration) }
        var assertionRequest = AssertionRequest(rpID: "keybridge.test", challenge: SecureRandom.bytes(32))
        assertionRequest.allowCredentials = [registration.credentialID]
        let assertion = try #require(try await device.getAssertion(assertionRequest, pin: Self.pin).first)
        try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
        _ = try RelyingPartyCheck.verify(assertion, record: record)
    }
}
