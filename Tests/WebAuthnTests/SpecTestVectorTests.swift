import OpenSSLWrapper
import Testing
@_spi(ExpertsOnly) import WebAuthn
import _TestSupport

/// The test vectors of W3C Web Authentication Level 3, §16 "Test Vectors" (editor's draft,
/// https://w3c.github.io/webauthn/#sctn-test-vectors): the registration and authentication examples for
/// "None Attestation with ES256 Credential" (§16.2, `info='none.ES256'`) and "Packed Self Attestation with ES256
/// Credential" (§16.3, `info='packed-self.ES256'`). RP ID `example.org`, origin `https://example.org`.
/// The hex values are copied from the specification text.
@Suite struct SpecTestVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let credentialPrivateKey: String
        let credentialID: String
        let aaguid: String
        let registrationChallenge: String
        let registrationClientDataJSON: String
        let attestationObject: String
        let attestationFormat: String
        let attestationType: AttestationType
        let registrationUV: Bool
        let authenticationChallenge: String
        let authenticatorData: String
        let authenticationClientDataJSON: String
        let signature: String
    }

    static let vectors: [Vector] = [
        Vector(
            testDescription: "§16.2 none attestation, ES256",
            credentialPrivateKey: "6e68e7a58484a3264f66b77f5d6dc5bc36a47085b615c9727ab334e8c369c2ee",
            credentialID: "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4",
            aaguid: "8446ccb9ab1db374750b2367ff6f3a1f",
            registrationChallenge: "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130",
            registrationClientDataJSON:
                "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22414d4d507434557878475453746e63647134313759447742466938767049612d7077386f4f755657345441222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20426b5165446a646354427258426941774a544c453551227d",
            attestationObject:
                "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b559000000008446ccb9ab1db374750b2367ff6f3a1f0020f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220",
            attestationFormat: "none", attestationType: .none, registrationUV: false,
            authenticationChallenge: "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408",
            authenticatorData: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000",
            authenticationClientDataJSON:
                "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224f63446e55685158756c5455506f334a5558543049393770767a7a59425039745a63685879617630314167222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
            signature:
                "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b93538174f575bf11a1dd5d78c6e486013f937295ea13653e331e87"
        ),
        Vector(
            testDescription: "§16.3 packed self attestation, ES256",
            credentialPrivateKey: "b4bbfa5d68e1693b6ef5a19a0e60ef7ee2cbcac81f7fec7006ac3a21e0c5116a",
            credentialID: "455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58c",
            aaguid: "df850e09db6afbdfab51697791506cfc",
            registrationChallenge: "7869c2b772d4b58eba9378cf8f29e26cf935aa77df0da89fa99c0bdc0a76f7e5",
            registrationClientDataJSON:
                "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a2265476e4374334c55745936366b336a506a796e6962506b31716e666644616966715a774c33417032392d55222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a205539685458764b453255526b4d6e625f307859485667227d",
            attestationObject:
                "a363666d74667061636b65646761747453746d74a263616c672663736967584630440220067a20754ab925005dbf378097c92120031581c73228d1fb4f5b881bcd7da98302207fc7b147558c7c0eba3af18bd9d121fa3d3a26d17fe3f220272178f473b6006d68617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b55d00000000df850e09db6afbdfab51697791506cfc0020455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58ca5010203262001215820eb151c8176b225cc651559fecf07af450fd85802046656b34c18f6cf193843c5225820927b8aa427a2be1b8834d233a2d34f61f13bfd44119c325d5896e183fee484f2",
            attestationFormat: "packed", attestationType: .`self`, registrationUV: true,
            authenticationChallenge: "4478a10b1352348dd160c1353b0d469b5db19eb91c27f7dfa6fed39fe26af20b",
            authenticatorData: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b50900000000",
            authenticationClientDataJSON:
                "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a225248696843784e534e493352594d45314f7731476d3132786e726b634a5f6666707637546e2d4a71386773222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a206754623533727a36456853576f6d58477a696d433151227d",
            signature:
                "304402203310b9431903c401f1be2bdc8d23a4007682dbbddcf846994947b7f465daf84002204e94dd00047b316061b3b99772b7efd95994a83ef584b3b6b825ea3550251b66"
        ),
    ]

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let a = iterator.next(), let b = iterator.next() {
            out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) ?? 0)
        }
        return out
    }

    static func json(_ members: [(String, JSONValue)], response: [(String, JSONValue)]) -> [UInt8] {
        JSONWriter.bytes(.object(JSONObject(members + [("response", .object(JSONObject(response))), ("type", .string("public-key"))])))
    }

    let clock = FakeClock()

    private func relyingParty() -> RelyingParty {
        var configuration = RelyingParty.Configuration(rpID: "example.org", rpName: "Example", allowedOrigins: ["https://example.org"])
        configuration.clock = clock.clock
        return RelyingParty(configuration: configuration)
    }

    @Test("the registration and then the assertion of the specification's vectors verify", arguments: vectors)
    func verifies(_ vector: Vector) throws {
        let rp = relyingParty()
        let id = Base64URL.encode(Self.hex(vector.credentialID))
        let registration = try RegistrationResponseJSON(jsonBytes: Self.json(
            [("id", .string(id)), ("rawId", .string(id)), ("clientExtensionResults", .object(JSONObject()))],
            response: [
                ("clientDataJSON", .string(Base64URL.encode(Self.hex(vector.registrationClientDataJSON)))),
                ("attestationObject", .string(Base64URL.encode(Self.hex(vector.attestationObject)))),
                ("transports", .array([])),
            ]))
        let registrationState = RegistrationState(
            challenge: Self.hex(vector.registrationChallenge), rpID: "example.org", allowedOrigins: ["https://example.org"],
            requireUserVerification: false, expiresAt: clock.now + 300)
        let record = try rp.finishRegistration(registration, state: registrationState)
        #expect(record.id == Self.hex(vector.credentialID))
        #expect(record.algorithm == .es256)
        #expect(record.aaguid?.bytes == Self.hex(vector.aaguid))
        #expect(record.attestationFormat == vector.attestationFormat)
        #expect(record.attestationType == vector.attestationType)
        #expect(record.signCount == 0)
        #expect(record.userVerified == vector.registrationUV)
        // Both vectors register with BE and BS set (flags 0x59 and 0x5d).
        #expect(record.backupEligible == true)
        #expect(record.backupState == true)
        // The record's key is the public half of the vector's credential private key (an independent check of the
        // COSE key the attestation object carries).
        let privateKey = try EVPPrivateKey(ecPrivateScalar: Self.hex(vector.credentialPrivateKey), curve: .p256)
        #expect(record.publicKey.subjectPublicKeyInfoDER() == privateKey.publicKey.subjectPublicKeyInfoDER())

        let assertion = try AuthenticationResponseJSON(jsonBytes: Self.json(
            [("id", .string(id)), ("rawId", .string(id))],
            response: [
                ("clientDataJSON", .string(Base64URL.encode(Self.hex(vector.authenticationClientDataJSON)))),
                ("authenticatorData", .string(Base64URL.encode(Self.hex(vector.authenticatorData)))),
                ("signature", .string(Base64URL.encode(Self.hex(vector.signature)))),
            ]))
        let authenticationState = AuthenticationState(
            challenge: Self.hex(vector.authenticationChallenge), rpID: "example.org",
            allowedOrigins: ["https://example.org"], requireUserVerification: false,
            allowCredentials: [Self.hex(vector.credentialID)], expiresAt: clock.now + 300)
        let result = try rp.finishAuthentication(assertion, state: authenticationState, credential: record)
        #expect(result.record.signCount == 0)  // both counts zero: no regression
        #expect(!result.counterRegressed)
        #expect(result.record.backupEligible == true)
    }

    @Test("the specification's assertion fails once a byte of its authenticator data changes")
    func tamperedVector() throws {
        let vector = Self.vectors[0]
        let rp = relyingParty()
        let key = try COSEKey(encoded: Array(Self.hex(vector.attestationObject).suffix(77)))
        let record = CredentialRecord(uncheckedID: Self.hex(vector.credentialID), publicKey: key, signCount: 0)
        var authenticatorData = Self.hex(vector.authenticatorData)
        authenticatorData[36] = 1  // signCount 0 -> 1
        let id = Base64URL.encode(record.id)
        let assertion = try AuthenticationResponseJSON(jsonBytes: Self.json(
            [("id", .string(id)), ("rawId", .string(id))],
            response: [
                ("clientDataJSON", .string(Base64URL.encode(Self.hex(vector.authenticationClientDataJSON)))),
                ("authenticatorData", .string(Base64URL.encode(authenticatorData))),
                ("signature", .string(Base64URL.encode(Self.hex(vector.signature)))),
            ]))
        let state = AuthenticationState(
            challenge: Self.hex(vector.authenticationChallenge), rpID: "example.org",
            allowedOrigins: ["https://example.org"], requireUserVerification: false, expiresAt: clock.now + 300)
        #expect(throws: WebAuthnError(.signatureInvalid, "")) {
            try rp.finishAuthentication(assertion, state: state, credential: record)
        }
    }
}
