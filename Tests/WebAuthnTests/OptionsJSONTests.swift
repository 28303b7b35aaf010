import Testing
import WebAuthn
import _TestSupport

@Suite struct OptionsJSONTests {
    @Test("creation options carry what parseCreationOptionsFromJSON requires, in base64url")
    func creationOptions() throws {
        let fixture = CeremonyFixture()
        let rp = fixture.relyingParty {
            $0.userVerification = .required
            $0.residentKey = .required
            $0.attestation = .direct
            $0.authenticatorAttachment = .crossPlatform
            $0.timeoutSeconds = 120
            $0.allowedAlgorithms = [.es256, .rs256]
        }
        let user = PublicKeyCredentialUserEntity(id: [1, 2, 3], name: "alice@example.org", displayName: "Alice \"A\"")
        let (options, _) = rp.startRegistration(
            user: user, excludeCredentials: [PublicKeyCredentialDescriptor(id: [9, 9], transports: [.usb, .nfc])])
        let json = try JSONParser().parse(options.jsonBytes())
        #expect(json["rp"] == .object(JSONObject([("name", .string("Example")), ("id", .string("example.org"))])))
        #expect(json["user"]?["id"] == .string("AQID"))
        #expect(json["user"]?["name"] == .string("alice@example.org"))
        #expect(json["user"]?["displayName"] == .string("Alice \"A\""))
        #expect(json["challenge"] == .string(Base64URL.encode(CeremonyFixture.registrationChallenge)))
        #expect(json["pubKeyCredParams"] == .array([
            .object(JSONObject([("type", .string("public-key")), ("alg", .number(-7))])),
            .object(JSONObject([("type", .string("public-key")), ("alg", .number(-257))])),
        ]))
        #expect(json["timeout"] == .number(120_000))
        #expect(json["excludeCredentials"] == .array([
            .object(JSONObject([("type", .string("public-key")), ("id", .string("CQk")), ("transports", .array([.string("usb"), .string("nfc")]))])),
        ]))
        #expect(json["authenticatorSelection"]?["residentKey"] == .string("required"))
        #expect(json["authenticatorSelection"]?["requireResidentKey"] == .bool(true))
        #expect(json["authenticatorSelection"]?["userVerification"] == .string("required"))
        #expect(json["authenticatorSelection"]?["authenticatorAttachment"] == .string("cross-platform"))
        #expect(json["attestation"] == .string("direct"))
        #expect(json["extensions"]?["credProps"] == .bool(true))
        #expect(options.jsonString() == String(decoding: options.jsonBytes(), as: UTF8.self))
    }

    @Test("offers RS1 only when it is allowed, last")
    func rs1Offer() {
        let fixture = CeremonyFixture()
        let user = PublicKeyCredentialUserEntity(id: [1], name: "a", displayName: "a")
        #expect(!fixture.relyingParty { $0.allowedAlgorithms = [.es256, .rs1] }.startRegistration(user: user).options.algorithms.contains(.rs1))
        #expect(fixture.relyingParty { $0.allowRS1 = true }.startRegistration(user: user).options.algorithms.last == .rs1)
    }

    @Test("request options carry the challenge, RP ID, allowed credentials, UV and the AppID")
    func requestOptions() throws {
        let fixture = CeremonyFixture()
        let (options, _) = fixture.relyingParty().startAuthentication(
            allowCredentials: [PublicKeyCredentialDescriptor(id: [0xFB, 0xFF])], appID: "https://example.org/appid.json")
        let json = try JSONParser().parse(options.jsonString())
        #expect(json["challenge"] == .string(Base64URL.encode(CeremonyFixture.registrationChallenge)))
        #expect(json["rpId"] == .string("example.org"))
        #expect(json["timeout"] == .number(300_000))
        #expect(json["allowCredentials"] == .array([.object(JSONObject([("type", .string("public-key")), ("id", .string("-_8"))]))]))
        #expect(json["userVerification"] == .string("preferred"))
        #expect(json["extensions"]?["appid"] == .string("https://example.org/appid.json"))
        let plain = try JSONParser().parse(fixture.relyingParty().startAuthentication().options.jsonBytes())
        #expect(plain["extensions"] == nil)
        #expect(plain["allowCredentials"] == .array([]))
    }
}
