import Testing
import WebAuthn
import _TestSupport

@Suite struct ResponseJSONTests {
    let challenge = Array(repeating: UInt8(0x11), count: 32)

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("parses a registration response into typed values")
    func parsesRegistration() throws {
        let authenticator = TestAuthenticator()
        let json = authenticator.registrationResponse(challenge: challenge)
        let response = try RegistrationResponseJSON(jsonBytes: json)
        #expect(response.rawID == authenticator.credentialID)
        #expect(response.transports == [.usb])
        #expect(response.authenticatorAttachment == "cross-platform")
        #expect(try CollectedClientData(bytes: response.clientDataJSON).type == "webauthn.create")
        #expect(try AttestationObject(bytes: response.attestationObject).format == "none")
        #expect(try RegistrationResponseJSON(jsonString: text(json)) == response)
    }

    @Test("parses an authentication response, with the user handle and extension outputs")
    func parsesAuthentication() throws {
        let authenticator = TestAuthenticator()
        var knobs = TestAuthenticator.AssertionKnobs()
        knobs.clientExtensionResults = JSONObject([("appid", .bool(true)), ("credProps", .object(JSONObject([("rk", .bool(true))]))), ("future", .array([]))])
        let response = try AuthenticationResponseJSON(jsonBytes: authenticator.assertion(challenge: challenge, knobs: knobs))
        #expect(response.rawID == authenticator.credentialID)
        #expect(response.userHandle == Array("user-1".utf8))
        #expect(response.authenticatorData.count == 37)
        #expect(response.clientExtensionResults.appid == true)
        #expect(response.clientExtensionResults.credentialPropertiesResidentKey == true)
    }

    @Test("reads a null, empty or absent user handle as none, and absent extension results as empty")
    func optionalMembers() throws {
        let base = #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA""#
        #expect(try AuthenticationResponseJSON(jsonString: base + #","userHandle":null}}"#).userHandle == nil)
        #expect(try AuthenticationResponseJSON(jsonString: base + #","userHandle":""}}"#).userHandle == nil)
        let absent = try AuthenticationResponseJSON(jsonString: base + "}}")
        #expect(absent.userHandle == nil)
        #expect(absent.clientExtensionResults == ClientExtensionResults())
    }

    struct Broken: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let json: String
        let code: WebAuthnError.Code
    }

    static let registrationBroken: [Broken] = {
        let ok = #""response":{"clientDataJSON":"e30","attestationObject":"oA"}"#
        return [
            Broken(testDescription: "type is not public-key", json: #"{"id":"AQI","rawId":"AQI","type":"public-keys","#+ok+"}", code: .credentialTypeInvalid),
            Broken(testDescription: "id differs from rawId", json: #"{"id":"AQI","rawId":"AQM","type":"public-key","#+ok+"}", code: .credentialIDMismatch),
            Broken(testDescription: "id is not base64url", json: #"{"id":"AQ+","rawId":"AQI","type":"public-key","#+ok+"}", code: .invalidBase64URL),
            Broken(testDescription: "rawId missing", json: #"{"id":"AQI","type":"public-key","#+ok+"}", code: .malformedInput),
            Broken(testDescription: "type missing", json: #"{"id":"AQI","rawId":"AQI","#+ok+"}", code: .malformedInput),
            Broken(testDescription: "response missing", json: #"{"id":"AQI","rawId":"AQI","type":"public-key"}"#, code: .malformedInput),
            Broken(testDescription: "attestationObject missing", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30"}}"#, code: .malformedInput),
            Broken(testDescription: "clientDataJSON not a string", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":1,"attestationObject":"oA"}}"#, code: .malformedInput),
            Broken(testDescription: "transports not an array", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA","transports":"usb"}}"#, code: .malformedInput),
            Broken(testDescription: "clientExtensionResults not an object", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","clientExtensionResults":[],"#+ok+"}", code: .malformedInput),
            Broken(testDescription: "credProps not an object", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","clientExtensionResults":{"credProps":true},"#+ok+"}", code: .extensionInvalid),
            Broken(testDescription: "duplicate id member", json: #"{"id":"AQI","id":"AQI","rawId":"AQI","type":"public-key","#+ok+"}", code: .invalidJSON),
            Broken(testDescription: "not JSON", json: #"{"id":"AQI""#, code: .invalidJSON),
            Broken(testDescription: "not an object", json: "[]", code: .malformedInput),
            Broken(testDescription: "attestationObject is padded wrongly", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA="}}"#, code: .invalidBase64URL),
        ]
    }()

    @Test("rejects broken registration responses with their codes", arguments: registrationBroken)
    func rejectsBrokenRegistration(_ testCase: Broken) {
        #expect(throws: WebAuthnError(testCase.code, "")) { try RegistrationResponseJSON(jsonString: testCase.json) }
    }

    static let authenticationBroken: [Broken] = {
        let ok = #""response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}"#
        return [
            Broken(testDescription: "type is not public-key", json: #"{"id":"AQI","rawId":"AQI","type":"password","#+ok+"}", code: .credentialTypeInvalid),
            Broken(testDescription: "id differs from rawId", json: #"{"id":"AQM","rawId":"AQI","type":"public-key","#+ok+"}", code: .credentialIDMismatch),
            Broken(testDescription: "signature missing", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA"}}"#, code: .malformedInput),
            Broken(testDescription: "userHandle not a string", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":5}}"#, code: .malformedInput),
            Broken(testDescription: "signature not base64url", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"A A"}}"#, code: .invalidBase64URL),
            Broken(testDescription: "appid output not a boolean", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","clientExtensionResults":{"appid":"yes"},"#+ok+"}", code: .extensionInvalid),
            Broken(testDescription: "type not a string", json: #"{"id":"AQI","rawId":"AQI","type":null,"#+ok+"}", code: .malformedInput),
            Broken(testDescription: "trailing comma", json: #"{"id":"AQI","rawId":"AQI","type":"public-key","#+ok+",}", code: .invalidJSON),
        ]
    }()

    @Test("rejects broken authentication responses with their codes", arguments: authenticationBroken)
    func rejectsBrokenAuthentication(_ testCase: Broken) {
        #expect(throws: WebAuthnError(testCase.code, "")) { try AuthenticationResponseJSON(jsonString: testCase.json) }
    }
}
