import Testing
import WebAuthn
import _TestSupport

@Suite struct CredentialRecordTests {
    @Test("a record survives its JSON form with every member, and the JSON has the documented member names")
    func roundTrip() throws {
        var knobs = TestAuthenticator.RegistrationKnobs()
        knobs.authenticatorData.backupEligible = true
        let record = try CeremonyFixture().registeredRecord(knobs: knobs)
        let json = record.jsonBytes()
        #expect(try CredentialRecord(jsonBytes: json) == record)
        #expect(try CredentialRecord(jsonString: record.jsonString()) == record)
        let object = try #require(try JSONParser().parse(json).objectValue)
        #expect(object.keys == [
            "id", "publicKey", "algorithm", "signCount", "aaguid", "attestationFormat", "attestationType",
            "attestationTrusted", "userVerified", "backupEligible", "backupState", "transports", "userHandle",
        ])
        #expect(object["id"] == .string(Base64URL.encode(Array(0..<32))))
        #expect(object["publicKey"] == .string(Base64URL.encode(TestCredentialKey.es256.coseKey)))
        #expect(object["algorithm"] == .number(-7))
        #expect(object["aaguid"] == .string("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"))
        #expect(object["attestationType"] == .string("none"))
        #expect(object["backupEligible"] == .bool(true))
        #expect(object["transports"] == .array([.string("usb")]))
    }

    @Test("a record needs only id, publicKey and signCount; the rest is unknown (null in its JSON)")
    func minimalRecord() throws {
        let key = Base64URL.encode(TestCredentialKey.eddsa.coseKey)
        let record = try CredentialRecord(jsonString: #"{"id":"AQI","publicKey":"\#(key)","signCount":5,"note":"ignored"}"#)
        #expect(record.id == [1, 2])
        #expect(record.algorithm == .eddsa)
        #expect(record.signCount == 5)
        #expect(record.aaguid == nil && record.backupEligible == nil && record.userVerified == nil)
        #expect(record.transports.isEmpty)
        let object = try #require(try JSONParser().parse(record.jsonBytes()).objectValue)
        #expect(object["aaguid"] == .null)
        #expect(object["backupState"] == .null)
        #expect(object["userHandle"] == nil)
    }

    static var invalid: [(String, WebAuthnError.Code)] {
        let key = Base64URL.encode(TestCredentialKey.es256.coseKey)
        return [
            (#"{"publicKey":"\#(key)","signCount":0}"#, .malformedInput),
            (#"{"id":"AQI","signCount":0}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)"}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":-1}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":4294967296}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":1.5}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0,"algorithm":-8}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0,"aaguid":"nope"}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0,"attestationType":"magic"}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0,"backupEligible":"yes"}"#, .malformedInput),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0,"transports":[1]}"#, .malformedInput),
            (#"{"id":"A+I","publicKey":"\#(key)","signCount":0}"#, .invalidBase64URL),
            (#"{"id":"AQI","publicKey":"oA","signCount":0}"#, .invalidPublicKey),
            (#"{"id":"AQI","publicKey":"\#(key)","signCount":0"#, .invalidJSON),
            ("[]", .malformedInput),
        ]
    }

    @Test("a stored record that is not valid is refused with its code", arguments: invalid)
    func rejectsInvalid(_ testCase: (String, WebAuthnError.Code)) {
        #expect(throws: WebAuthnError(testCase.1, "")) { try CredentialRecord(jsonString: testCase.0) }
    }

    @Test("a decoded record verifies assertions like the original")
    func decodedRecordVerifies() throws {
        var fixture = CeremonyFixture()
        let record = try CredentialRecord(jsonBytes: try fixture.registeredRecord().jsonBytes())
        #expect(try fixture.authenticate(fixture.relyingParty(), record: record).record.signCount == 1)
    }
}
