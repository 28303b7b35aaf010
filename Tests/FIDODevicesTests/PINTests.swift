import FIDODevices
import Testing
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// PIN set, change and retries, and credentials behind a PIN, through libfido2's clientPIN code.
@Suite struct PINTests {
    @Test("Setting a PIN shows in the capabilities; a wrong PIN costs a retry, the right one restores the count")
    func setPINAndRetries() async throws {
        let key = try await VirtualKey.open()
        #expect(await key.device.capabilities.hasPIN == false)
        #expect(try await key.device.pinRetries() == 8)
        try await key.device.setPIN(try VirtualKey.pin("1234"))
        #expect(try await key.device.info().option("clientPin") == true)

        let registration = try await key.device.makeCredential(VirtualKey.registration())
        await #expect(throws: FIDOError(.pinInvalid, "")) {
            try await key.device.getAssertion(
                VirtualKey.assertion(allow: [registration.credentialID]), pin: try VirtualKey.pin("9999"))
        }
        #expect(try await key.device.pinRetries() == 7)
        #expect(try await key.device.info().pinRetries == 7)
        let assertion = try #require(
            try await key.device.getAssertion(
                VirtualKey.assertion(allow: [registration.credentialID]), pin: try VirtualKey.pin("1234")
            ).first)
        #expect(assertion.userVerified)
        #expect(try await key.device.pinRetries() == 8)
    }

    @Test("A second setPIN is refused; changePIN needs the current PIN and then the new one works")
    func changePIN() async throws {
        let key = try await VirtualKey.open()
        try await key.device.setPIN(try VirtualKey.pin("1234"))
        await #expect(throws: FIDOError(.notAllowed, "")) { try await key.device.setPIN(try VirtualKey.pin("5678")) }
        await #expect(throws: FIDOError(.pinInvalid, "")) {
            try await key.device.changePIN(from: try VirtualKey.pin("0000"), to: try VirtualKey.pin("5678"))
        }
        try await key.device.changePIN(from: try VirtualKey.pin("1234"), to: try VirtualKey.pin("5678"))
        var request = VirtualKey.registration()
        request.residentKey = true
        await #expect(throws: FIDOError(.pinInvalid, "")) {
            try await key.device.makeCredential(request, pin: try VirtualKey.pin("1234"))
        }
        let registration = try await key.device.makeCredential(request, pin: try VirtualKey.pin("5678"))
        #expect(registration.userVerified)
    }

    @Test("A PIN shorter than four characters is refused by the key's policy")
    func pinPolicy() async throws {
        let key = try await VirtualKey.open()
        await #expect(throws: FIDOError(.pinPolicyViolation, "")) {
            try await key.device.setPIN(try VirtualKey.pin("12"))
        }
    }

    @Test("A resident key behind a PIN: refused without it, made and used with it, UV verified by both verifiers")
    func residentKeyBehindPIN() async throws {
        let key = try await VirtualKey.open()
        try await key.device.setPIN(try VirtualKey.pin("4321"))
        let request = VirtualKey.registration(residentKey: true)
        await #expect(throws: FIDOError(.pinRequired, "")) { try await key.device.makeCredential(request) }

        let registration = try await key.device.makeCredential(request, pin: try VirtualKey.pin("4321"))
        #expect(registration.userVerified)
        #expect(registration.residentKey)
        let record = try RelyingPartyCheck.verify(
            registration, rootPEM: key.authenticator.exportRootPEM(), requireTrusted: true,
            requireUserVerification: true)
        #expect(record.userVerified == true)
        try LibFIDO2Verification.verify(registration)

        let assertions = try await key.device.getAssertion(VirtualKey.assertion(), pin: try VirtualKey.pin("4321"))
        let assertion = try #require(assertions.first)
        #expect(assertions.count == 1)
        #expect(assertion.userVerified)
        #expect(assertion.userHandle == request.userID)
        #expect(assertion.userName == "alice")
        try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
        _ = try RelyingPartyCheck.verify(assertion, record: record, requireUserVerification: true)
    }
}
