import FIDODevices
import Foundation
import OpenSSLWrapper
import Testing
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

/// getAssertion through libfido2 against the software authenticator; every assertion is checked by
/// KeyBridge's relying party (from the AuthenticationResponseJSON) and by libfido2's fido_assert_verify.
@Suite struct AssertionTests {
    @Test(
        "Assertions with an allow list verify in both verifiers and the counter increases each time",
        arguments: [CredentialAlgorithm.es256, .eddsa])
    func counterIncreases(algorithm: CredentialAlgorithm) async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration(algorithm: algorithm))
        var record = try RelyingPartyCheck.verify(registration)
        var last = registration.signCount
        for _ in 0..<4 {
            let assertions = try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID]))
            #expect(assertions.count == 1)
            let assertion = try #require(assertions.first)
            #expect(assertion.credentialID == registration.credentialID)
            #expect(assertion.signCount > last)
            try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
            let result = try RelyingPartyCheck.verify(assertion, record: record)
            #expect(result.needsUpdate)
            #expect(result.record.signCount == assertion.signCount)
            record = result.record
            last = assertion.signCount
        }
        #expect(key.authenticator.signatureCounter == last)
    }

    @Test("The AuthenticationResponseJSON carries a browser-shaped clientDataJSON of type webauthn.get")
    func responseDocumentShape() async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        let assertion = try #require(
            try await key.device.getAssertion(VirtualKey.assertion(allow: [registration.credentialID])).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(assertion.jsonBytes())) as? [String: Any])
        #expect(object["type"] as? String == "public-key")
        #expect(object["id"] as? String == Base64URL.encode(registration.credentialID))
        let response = try #require(object["response"] as? [String: Any])
        let clientData = try Base64URL.decode(try #require(response["clientDataJSON"] as? String))
        let expected =
            #"{"type":"webauthn.get","challenge":""# + Base64URL.encode(assertion.request.challenge)
            + #"","origin":"https://example.com","crossOrigin":false}"#
        #expect(String(decoding: clientData, as: UTF8.self) == expected)
        #expect(try Base64URL.decode(try #require(response["signature"] as? String)) == assertion.signature)
        #expect(response["userHandle"] == nil)
    }

    @Test("libfido2's check rejects an assertion under another credential's key or with a changed signature")
    func libfido2RejectsWrongKey() async throws {
        let key = try await VirtualKey.open()
        let first = try await key.device.makeCredential(VirtualKey.registration())
        let second = try await key.device.makeCredential(VirtualKey.registration())
        let assertion = try #require(
            try await key.device.getAssertion(VirtualKey.assertion(allow: [first.credentialID])).first)
        try LibFIDO2Verification.verify(assertion, credentialPublicKey: first.publicKeyCOSE)
        #expect(throws: FIDOError(.signatureInvalid, "")) {
            try LibFIDO2Verification.verify(assertion, credentialPublicKey: second.publicKeyCOSE)
        }
        #expect(throws: WebAuthnError.self) {
            _ = try RelyingPartyCheck.verify(assertion, record: try RelyingPartyCheck.verify(second))
        }
    }

    @Test("A credential the key does not hold gives no-credentials")
    func unknownCredential() async throws {
        let key = try await VirtualKey.open()
        await #expect(throws: FIDOError(.noCredentials, "")) {
            try await key.device.getAssertion(VirtualKey.assertion(allow: [[UInt8](repeating: 7, count: 64)]))
        }
    }

    @Test("Without an allow list the key answers with its discoverable credentials, user handle included")
    func discoverableCredentials() async throws {
        let key = try await VirtualKey.open()
        let alice = try await key.device.makeCredential(VirtualKey.registration(residentKey: true, userName: "alice"))
        let bob = try await key.device.makeCredential(VirtualKey.registration(residentKey: true, userName: "bob"))
        let assertions = try await key.device.getAssertion(VirtualKey.assertion())
        #expect(assertions.count == 2)
        #expect(Set(assertions.map(\.credentialID)) == [alice.credentialID, bob.credentialID])
        for assertion in assertions {
            let registration = assertion.credentialID == alice.credentialID ? alice : bob
            #expect(assertion.userHandle == registration.request.userID)
            try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(assertion.jsonBytes())) as? [String: Any])
            let response = try #require(object["response"] as? [String: Any])
            #expect(
                try Base64URL.decode(try #require(response["userHandle"] as? String)) == registration.request.userID)
            _ = try RelyingPartyCheck.verify(assertion, record: try RelyingPartyCheck.verify(registration))
        }
    }

    @Test("hmac-secret gives the same 32-byte secret for the same salt and another one for another salt")
    func hmacSecret() async throws {
        let key = try await VirtualKey.open()
        var registrationRequest = VirtualKey.registration()
        registrationRequest.hmacSecret = true
        let registration = try await key.device.makeCredential(registrationRequest)
        func secret(_ salt: [UInt8]) async throws -> [UInt8] {
            var request = VirtualKey.assertion(allow: [registration.credentialID])
            request.hmacSalt = salt
            let assertion = try #require(try await key.device.getAssertion(request).first)
            try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
            return try #require(assertion.hmacSecret)
        }
        let salt = [UInt8](repeating: 0x11, count: 32)
        let first = try await secret(salt)
        #expect(first.count == 32)
        #expect(try await secret(salt) == first)
        #expect(try await secret([UInt8](repeating: 0x22, count: 32)) != first)
    }

    @Test("up=false gives an assertion without the UP flag that libfido2 still verifies")
    func silentAssertion() async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        var request = VirtualKey.assertion(allow: [registration.credentialID])
        request.userPresence = false
        let assertion = try #require(try await key.device.getAssertion(request).first)
        #expect(assertion.flags & 0x01 == 0)
        try LibFIDO2Verification.verify(assertion, credentialPublicKey: registration.publicKeyCOSE)
    }
}
