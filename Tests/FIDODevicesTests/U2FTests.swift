import FIDODevices
import Testing
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// A U2F-only key: libfido2 drives it with U2F register and authenticate, and the result is fido-u2f
/// attestation that KeyBridge's verifier and libfido2 both accept.
@Suite struct U2FTests {
    static func u2fKey(prompt: (@Sendable () -> Void)? = nil, presence: UserPresence = .automatic) async throws
        -> VirtualKey
    {
        try await VirtualKey.open(
            prompt: prompt,
            configure: { configuration in
                configuration.protocols = [.u2f]
                configuration.userPresence = presence
            })
    }

    @Test("A U2F-only key opens as not FIDO2 and its info lists only U2F_V2")
    func capabilities() async throws {
        let key = try await Self.u2fKey()
        #expect(await key.device.capabilities.isFIDO2 == false)
        let info = try await key.device.info()
        #expect(info.versions == ["U2F_V2"])
        #expect(info.pinRetries == nil)
    }

    @Test("Registration through libfido2's U2F fallback gives fido-u2f attestation that both verifiers accept")
    func registrationAndAssertion() async throws {
        let key = try await Self.u2fKey()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        #expect(registration.format == "fido-u2f")
        #expect(registration.aaguid == [UInt8](repeating: 0, count: 16))
        let record = try RelyingPartyCheck.verify(
            registration, rootPEM: key.authenticator.exportRootPEM(), requireTrusted: true)
        #expect(record.attestationFormat == "fido-u2f")
        #expect(record.attestationTrusted == true)
        try LibFIDO2Verification.verify(registration)

        let first = try #require(
            try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID])).first)
        try LibFIDO2Verification.verify(first, credentialPublicKey: registration.publicKeyCOSE)
        let result = try RelyingPartyCheck.verify(first, record: record)
        let second = try #require(
            try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID])).first)
        #expect(second.signCount > first.signCount)
        _ = try RelyingPartyCheck.verify(second, record: result.record)
    }

    @Test("A U2F key that waits for a touch fires the prompt once per operation")
    func touchPrompt() async throws {
        let prompts = CallCounter()
        let key = try await Self.u2fKey(prompt: { prompts.increment() }, presence: .afterPolls(3))
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        #expect(prompts.value == 1)
        _ = try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID]))
        #expect(prompts.value == 2)
    }

    @Test("A discoverable credential is not something a U2F key can make")
    func residentKeyUnsupported() async throws {
        let key = try await Self.u2fKey()
        await #expect(throws: FIDOError(.unsupportedOption, "")) {
            try await key.device.makeCredential(VirtualKey.registration(residentKey: true))
        }
    }
}
