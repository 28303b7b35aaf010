import CBOR
import Foundation
import OpenSSLWrapper
import Testing
import VirtualAuthenticator
@_spi(ExpertsOnly) import WebAuthn

@testable import FIDODevices

/// makeCredential through libfido2's real code against the software authenticator, each result checked by
/// KeyBridge's relying party (from the RegistrationResponseJSON alone) and by libfido2's fido_cred_verify.
@Suite struct RegistrationTests {
    @Test(
        "ES256 and EdDSA packed registrations verify, trusted through the authenticator's root, and libfido2 agrees",
        arguments: [CredentialAlgorithm.es256, .eddsa])
    func packedRegistration(algorithm: CredentialAlgorithm) async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration(algorithm: algorithm))
        #expect(registration.format == "packed")
        #expect(registration.algorithm == algorithm)
        let record = try RelyingPartyCheck.verify(
            registration, rootPEM: key.authenticator.exportRootPEM(), requireTrusted: true)
        #expect(record.attestationTrusted == true)
        #expect(record.attestationType == .basic)
        #expect(record.algorithm.rawValue == algorithm.coseIdentifier)
        #expect(record.id == registration.credentialID)
        #expect(record.aaguid?.bytes == key.authenticator.aaguid)
        #expect(record.publicKeyBytes == registration.publicKeyCOSE)
        try LibFIDO2Verification.verify(registration)
    }

    @Test("The clientDataJSON is what a browser sends: type, challenge, origin, crossOrigin false, in that order")
    func clientDataJSONIsBrowserShaped() async throws {
        let key = try await VirtualKey.open()
        var request = VirtualKey.registration()
        // The 32 bytes 0x00…0x1f; their base64url form is spelled out by RFC 4648 §5's alphabet.
        request.challenge = Array(0..<32)
        let registration = try await key.device.makeCredential(request)
        let expected =
            #"{"type":"webauthn.create","challenge":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","#
            + #""origin":"https://example.com","crossOrigin":false}"#
        #expect(String(decoding: registration.clientDataJSON, as: UTF8.self) == expected)
        // The key signed over SHA-256(clientDataJSON): libfido2's own check recomputes the hash from the bytes.
        try LibFIDO2Verification.verify(registration)
    }

    @Test("The RegistrationResponseJSON has the Level 3 members, and publicKey is the SPKI of the COSE key")
    func responseDocumentShape() async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(registration.jsonBytes())) as? [String: Any])
        #expect(object["type"] as? String == "public-key")
        #expect(object["authenticatorAttachment"] as? String == "cross-platform")
        #expect(object["id"] as? String == object["rawId"] as? String)
        let response = try #require(object["response"] as? [String: Any])
        #expect(response["transports"] as? [String] == ["usb"])
        #expect(response["publicKeyAlgorithm"] as? Int == -7)
        let spki = try Base64URL.decode(try #require(response["publicKey"] as? String))
        let cose = try COSEKey(encoded: registration.publicKeyCOSE)
        #expect(spki == cose.subjectPublicKeyInfoDER())
        let extensions = try #require(object["clientExtensionResults"] as? [String: Any])
        #expect((extensions["credProps"] as? [String: Any])?["rk"] as? Bool == false)
        // The attestation object is the CBOR map fmt / attStmt / authData (WebAuthn L3 §6.5).
        let attestation = try Base64URL.decode(try #require(response["attestationObject"] as? String))
        let map = try #require(try CBORDecoder(requireCanonicalMapOrder: true).decode(attestation).mapValue)
        #expect(map[text: "fmt"]?.textValue == "packed")
        #expect(map[text: "authData"]?.bytesValue == registration.authenticatorData)
        #expect(
            try Base64URL.decode(try #require(response["authenticatorData"] as? String))
                == registration.authenticatorData)
    }

    @Test("An algorithm the key does not implement fails with unsupported-algorithm")
    func unsupportedAlgorithm() async throws {
        let key = try await VirtualKey.open()
        await #expect(throws: FIDOError(.unsupportedAlgorithm, "")) {
            try await key.device.makeCredential(VirtualKey.registration(algorithm: .rs256))
        }
    }

    @Test("A credential of the exclude list makes registration fail with credential-excluded")
    func excludeListHit() async throws {
        let key = try await VirtualKey.open()
        let first = try await key.device.makeCredential(VirtualKey.registration())
        var request = VirtualKey.registration()
        request.excludeCredentials = [[UInt8](repeating: 0x42, count: 48), first.credentialID]
        await #expect(throws: FIDOError(.credentialExcluded, "")) {
            try await key.device.makeCredential(request)
        }
        // An unknown ID alone does not exclude.
        request.excludeCredentials = [[UInt8](repeating: 0x42, count: 48)]
        let second = try await key.device.makeCredential(request)
        _ = try RelyingPartyCheck.verify(second)
    }

    @Test("hmac-secret and credProtect are asked for, echoed in the authenticator data, and both verifiers agree")
    func extensions() async throws {
        let key = try await VirtualKey.open()
        var request = VirtualKey.registration()
        request.hmacSecret = true
        request.credentialProtection = .userVerificationOptionalWithCredentialIDList
        let registration = try await key.device.makeCredential(request)
        #expect(registration.hmacSecretEnabled == true)
        #expect(registration.credentialProtection == .userVerificationOptionalWithCredentialIDList)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(registration.jsonBytes())) as? [String: Any])
        let extensions = try #require(object["clientExtensionResults"] as? [String: Any])
        #expect(extensions["hmacCreateSecret"] as? Bool == true)
        _ = try RelyingPartyCheck.verify(registration)
        try LibFIDO2Verification.verify(registration)
    }

    @Test("libfido2's check rejects a registration for another RP ID or with other client data")
    func libfido2RejectsTampering() async throws {
        let key = try await VirtualKey.open()
        let registration = try await key.device.makeCredential(VirtualKey.registration())
        let statement = try #require(try CBORDecoder().decode(registration.attestationStatement).mapValue)
        func forged(request: RegistrationRequest, clientDataJSON: [UInt8]) throws -> RegistrationResult {
            try RegistrationResult(
                request: request, usedPIN: false, clientDataJSON: clientDataJSON, format: registration.format,
                authenticatorData: registration.authenticatorData, attestationStatement: statement,
                rawStatement: registration.attestationStatement, transports: registration.transports)
        }
        var otherRP = registration.request
        otherRP.rpID = "evil.example"
        #expect(throws: FIDOError(.invalidParameter, "")) {
            try LibFIDO2Verification.verify(try forged(request: otherRP, clientDataJSON: registration.clientDataJSON))
        }
        var otherClientData = registration.clientDataJSON
        otherClientData[otherClientData.count - 2] ^= 0x01
        #expect(throws: FIDOError(.signatureInvalid, "")) {
            try LibFIDO2Verification.verify(try forged(request: registration.request, clientDataJSON: otherClientData))
        }
    }
}
